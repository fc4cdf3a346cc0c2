// samp info: what a model directory holds (architecture, shape, head, labels, tokenizer) and what each device
// here can run it in.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Checkpoint, encoderShape, readBertConfig } from '@samp/encoder';
import { listDevices, SampError, SampErrorCode } from '@samp/kernels-cuda';

export function infoCommand(model: string): Record<string, unknown> {
  if (!existsSync(model)) throw new SampError(SampErrorCode.FileNotFound, `Model directory ${model} does not exist`);
  const config = readBertConfig(model);
  const ckpt = Checkpoint.open(model);
  try {
    const shape = encoderShape(config, ckpt);
    const head = ckpt.info('classifier.weight');
    const headKind = !head ? 'none' : config.architectures.some((a) => a.includes('TokenClassification')) ? 'token-classification' : 'sequence-classification';
    return {
      model,
      architectures: config.architectures,
      modelType: config.modelType,
      shape,
      head: headKind,
      labels: head ? Array.from({ length: head.shape[0]! }, (_, i) => config.id2label[i] ?? `LABEL_${i}`) : [],
      problemType: config.problemType ?? null,
      weightsDtype: ckpt.info(ckpt.names()[0]!)?.dtype ?? null,
      tokenizer: existsSync(join(model, 'tokenizer.json')) ? 'tokenizer.json' : existsSync(join(model, 'vocab.txt')) ? 'vocab.txt' : null,
      devices: listDevices().map((d) => ({ name: d.name, kind: d.kind, precisions: d.precisions, modes: d.modes, eightBit: d.eightBit })),
    };
  } finally {
    ckpt.close();
  }
}
