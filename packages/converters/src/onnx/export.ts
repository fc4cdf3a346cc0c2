// Exports a samp model directory to ONNX: encoder + head, fp32 weights, inputs input_ids / attention_mask /
// token_type_ids (int64) and output logits (or last_hidden_state / pooler_output without a head).
import { writeFileSync } from 'node:fs';
import { Checkpoint, encoderShape, planModes, readBertConfig, readEncoderWeights, readQuantFile } from '@samp/encoder';
import { SampError, SampErrorCode } from '@samp/kernels-cuda';
import { type BertGraphOptions, type LayerQdq, type OnnxHead, buildBertGraph } from './bert-graph.js';
import { GraphBuilder } from './graph.js';

export interface OnnxExportResult {
  path: string;
  head: OnnxHead['kind'];
  outputs: string[];
  bytes: number;
}

/** Largest protobuf message ONNX Runtime reads without external data. */
const MAX_ONNX_BYTES = 2 ** 31 - 1;

function readHead(ckpt: Checkpoint, architectures: string[], hidden: number): OnnxHead {
  const arch = architectures[0] ?? '';
  const info = ckpt.info('classifier.weight');
  const kind = arch.endsWith('TokenClassification') ? 'token' : arch.endsWith('SequenceClassification') ? 'sequence' : 'none';
  if (kind === 'none') return { kind };
  if (!info || info.shape.length !== 2) throw new SampError(SampErrorCode.ModelFormat, `${ckpt.dir} is a ${arch} without "classifier.weight"`);
  const labels = info.shape[0]!;
  return { kind, weight: ckpt.read('classifier.weight', [labels, hidden]), bias: ckpt.read('classifier.bias', [labels]), labels };
}

/** The QDQ layers of the plan in `dir`'s samp.json (INT8 clips), or a clear error when there is none. */
function qdqLayers(dir: string, layers: number): (LayerQdq | null)[] {
  const quant = readQuantFile(dir, layers);
  if (!quant) {
    throw new SampError(SampErrorCode.NotCalibrated, `${dir} has no samp.json: a QDQ INT8 graph takes its plan and clips from a model made by samp quantize or samp recommend`);
  }
  const { modes } = planModes(quant.plan, layers);
  const result = modes.map((mode, i) => (mode === 'fully-quant' || mode === 'quant-ffn-only' ? { mode, clips: quant.clips.int8[i]! } : null));
  if (result.every((r) => r === null)) throw new SampError(SampErrorCode.InvalidArgument, `The plan in ${dir}/samp.json quantizes no layer`);
  return result;
}

/** Writes `out` (an .onnx file) for the model in `dir`: fp32; with `int8: 'dynamic'` ONNX Runtime's dynamic INT8
 * quantization of the encoder's linears; with `int8: 'qdq'` the 8-bit linears of the plan in `dir`'s samp.json, as
 * QDQ pairs with its INT8 clips. */
export function exportOnnx(dir: string, out: string, options: Pick<BertGraphOptions, 'int8'> = {}): OnnxExportResult {
  const config = readBertConfig(dir);
  const ckpt = Checkpoint.open(dir);
  let bytes: Buffer;
  let head: OnnxHead;
  try {
    const shape = encoderShape(config, ckpt);
    head = readHead(ckpt, config.architectures, shape.hidden);
    if (head.kind === 'sequence' && !shape.hasPooler) throw new SampError(SampErrorCode.ModelFormat, `${dir} is a sequence classifier without a pooler`);
    const g = new GraphBuilder();
    const weights = readEncoderWeights(ckpt, shape);
    buildBertGraph(g, shape, weights, head, options.int8 === 'qdq' ? { int8: 'qdq', qdq: qdqLayers(dir, shape.layers) } : options);
    if (g.initializerBytes > MAX_ONNX_BYTES - (1 << 20)) {
      throw new SampError(SampErrorCode.ModelFormat, `${dir} has ${g.initializerBytes} bytes of fp32 weights, more than one ONNX file holds (2 GiB)`);
    }
    bytes = g.model(config.architectures[0] ?? 'BertModel', '0.1.0');
  } finally {
    ckpt.close();
  }
  writeFileSync(out, bytes);
  const outputs = head.kind === 'none' ? ['last_hidden_state', 'pooler_output'] : ['logits'];
  return { path: out, head: head.kind, outputs, bytes: bytes.length };
}
