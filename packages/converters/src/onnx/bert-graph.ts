// The ONNX graph of a BERT encoder and its head, node for node what transformers computes in fp32 (erf GELU,
// additive attention mask of the fp32 minimum, LayerNormalization of opset 17), in the patterns ONNX Runtime's
// optimizers recognise (MatMul + Add, the erf GELU, Q/K/V reshapes).
import type { EncoderShape, EncoderWeights } from '@samp/encoder';
import { ElemType, type GraphBuilder } from './graph.js';

/** What sits on top of the encoder. */
export type OnnxHead =
  | { kind: 'sequence'; weight: Float32Array; bias: Float32Array; labels: number }
  | { kind: 'token'; weight: Float32Array; bias: Float32Array; labels: number }
  | { kind: 'none' };

const FP32_MIN = -3.4028234663852886e38;

/** [rows, cols] row-major -> [cols, rows]: a Linear weight [out, in] as the MatMul operand [in, out]. */
function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}

/** Symmetric int8 per output column of a [in, out] MatMul weight, and the column scales. */
function quantizeColumns(wt: Float32Array, inp: number, out: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(out);
  for (let k = 0; k < inp; k++) for (let n = 0; n < out; n++) scales[n] = Math.max(scales[n]!, Math.abs(wt[k * out + n]!));
  for (let n = 0; n < out; n++) scales[n] = scales[n]! > 0 ? scales[n]! / 127 : 1;
  const q = new Int8Array(inp * out);
  for (let k = 0; k < inp; k++) for (let n = 0; n < out; n++) q[k * out + n] = Math.max(-127, Math.min(127, Math.round(wt[k * out + n]! / scales[n]!)));
  return { q, scales };
}

/** Which linears of a layer a samp plan quantizes, and the static INT8 clips of their inputs. */
export interface LayerQdq {
  /** fully-quant: QKV, attention output and both FFN GEMMs; quant-ffn-only: the FFN GEMMs. */
  mode: 'fully-quant' | 'quant-ffn-only';
  /** |x| clips of the inputs (scale = clip / 127): layer input, attention context, FFN input, GELU output. A
   * plan's qkv clip (samp's 8-bit QKV output) is not exported: the QKV outputs stay float in the graph. */
  clips: { input: number; ctx: number; ffnIn: number; ffnMid: number };
}

export interface BertGraphOptions {
  /** `dynamic`: the encoder's linears as ONNX Runtime's dynamic quantization writes them (activations quantized
   * per tensor at run time by DynamicQuantizeLinear, weights int8 per output column, MatMulInteger). `qdq`: the
   * linears a samp plan quantizes, as QuantizeLinear / DequantizeLinear pairs with the plan's static clips
   * (activations 8-bit per tensor, weights int8 per output column), for ONNX Runtime's QDQ fusions. */
  int8?: 'dynamic' | 'qdq';
  /** With `qdq`: one entry per layer, null for a layer the plan keeps in float. */
  qdq?: (LayerQdq | null)[];
}

/** Adds the encoder and head to `g`; returns nothing (inputs and outputs are declared on g). */
export function buildBertGraph(g: GraphBuilder, shape: EncoderShape, w: EncoderWeights, head: OnnxHead, options: BertGraphOptions = {}): void {
  const { hidden: H, heads: NH, ffn: F } = shape;
  const D = H / NH;
  const ids = g.input('input_ids', ElemType.INT64, ['batch', 'sequence']);
  const mask = g.input('attention_mask', ElemType.INT64, ['batch', 'sequence']);
  const types = g.input('token_type_ids', ElemType.INT64, ['batch', 'sequence']);

  const linear = (x: string, weight: Float32Array, bias: Float32Array, out: number, inp: number, name: string): string =>
    g.node('Add', [g.node('MatMul', [x, g.floats(`${name}.weight`, transposed(weight, out, inp), [inp, out])]), g.floats(`${name}.bias`, bias, [out])]);
  // activations as u8 with zero point 128: the same grid as samp's symmetric s8 (q + 128), in the form ONNX
  // Runtime's x86 kernels (u8 x s8) take
  const zeroPoint = options.int8 === 'qdq' ? g.initializer('zero_point_u8', ElemType.UINT8, [], Uint8Array.of(128)) : '';
  /** A linear whose input is quantized with the static clip (QuantizeLinear -> DequantizeLinear) and whose weight
   * is int8 per output column behind a DequantizeLinear: the QDQ form of a samp 8-bit GEMM. */
  const qdqLinear = (x: string, clip: number, weight: Float32Array, bias: Float32Array, out: number, inp: number, name: string): string => {
    const { q, scales } = quantizeColumns(transposed(weight, out, inp), inp, out);
    const xs = g.scalar(clip / 127);
    const xd = g.node('DequantizeLinear', [g.node('QuantizeLinear', [x, xs, zeroPoint]), xs, zeroPoint]);
    const wq = g.initializer(`${name}.weight_quantized`, ElemType.INT8, [inp, out], new Uint8Array(q.buffer));
    const wzp = g.initializer(`${name}.weight_zero_point`, ElemType.INT8, [out], new Uint8Array(out));
    const wd = g.node('DequantizeLinear', [wq, g.floats(`${name}.weight_scale`, scales, [out]), wzp], [{ name: 'axis', i: 1 }]);
    return g.node('Add', [g.node('MatMul', [xd, wd]), g.floats(`${name}.bias`, bias, [out])]);
  };
  const layerLinear = (x: string, weight: Float32Array, bias: Float32Array, out: number, inp: number, name: string, clip?: number): string => {
    if (options.int8 === 'qdq') return clip === undefined ? linear(x, weight, bias, out, inp, name) : qdqLinear(x, clip, weight, bias, out, inp, name);
    if (options.int8 !== 'dynamic') return linear(x, weight, bias, out, inp, name);
    const { q, scales } = quantizeColumns(transposed(weight, out, inp), inp, out);
    const [xq, xs, xzp] = g.nodeN('DynamicQuantizeLinear', [x], 3);
    const wq = g.initializer(`${name}.weight_quantized`, ElemType.INT8, [inp, out], new Uint8Array(q.buffer));
    const acc = g.node('Cast', [g.node('MatMulInteger', [xq!, wq, xzp!])], [{ name: 'to', i: ElemType.FLOAT }]);
    const y = g.node('Mul', [acc, g.node('Mul', [xs!, g.floats(`${name}.weight_scale`, scales, [out])])]);
    return g.node('Add', [y, g.floats(`${name}.bias`, bias, [out])]);
  };
  const layerNorm = (x: string, gamma: Float32Array, beta: Float32Array, name: string): string =>
    g.node('LayerNormalization', [x, g.floats(`${name}.weight`, gamma, [H]), g.floats(`${name}.bias`, beta, [H])], [{ name: 'axis', i: -1 }, { name: 'epsilon', f: shape.eps }]);

  // embeddings: word + token type + position (0..S-1)
  const seqLen = g.node('Gather', [g.node('Shape', [ids]), g.int64s([1], [])], [{ name: 'axis', i: 0 }]);
  const positions = g.node('Range', [g.int64s([0], []), seqLen, g.int64s([1], [])]);
  const word = g.node('Gather', [g.floats('embeddings.word', w.word, [shape.vocab, H]), ids], [{ name: 'axis', i: 0 }]);
  const type = g.node('Gather', [g.floats('embeddings.token_type', w.tokenType, [shape.typeVocab, H]), types], [{ name: 'axis', i: 0 }]);
  const pos = g.node('Gather', [g.floats('embeddings.position', w.position, [shape.maxPositions, H]), positions], [{ name: 'axis', i: 0 }]);
  let x = layerNorm(g.node('Add', [g.node('Add', [word, type]), pos]), w.embLnG, w.embLnB, 'embeddings.LayerNorm');

  // additive mask [B, 1, 1, S]: 0 where attended, the fp32 minimum where masked
  const maskF = g.node('Cast', [mask], [{ name: 'to', i: ElemType.FLOAT }]);
  const maskBias = g.node('Unsqueeze', [g.node('Mul', [g.node('Sub', [g.scalar(1), maskF]), g.scalar(FP32_MIN)]), g.int64s([1, 2])]);
  const heads4 = g.int64s([0, 0, NH, D]);
  const back3 = g.int64s([0, 0, H]);
  const scale = g.scalar(Math.sqrt(D));

  w.layers.forEach((l, i) => {
    const p = `encoder.layer.${i}`;
    const plan = options.int8 === 'qdq' ? options.qdq?.[i] ?? null : undefined;
    const full = plan?.mode === 'fully-quant' ? plan.clips : undefined;
    const ffn = plan ? plan.clips : undefined;
    const part = (j: number, name: string, perm: number[]): string => {
      const y = layerLinear(x, l.qkvW.subarray(j * H * H, (j + 1) * H * H), l.qkvB.subarray(j * H, (j + 1) * H), H, H, `${p}.attention.self.${name}`, full?.input);
      return g.node('Transpose', [g.node('Reshape', [y, heads4])], [{ name: 'perm', ints: perm }]);
    };
    const q = part(0, 'query', [0, 2, 1, 3]);
    const k = part(1, 'key', [0, 2, 3, 1]);
    const v = part(2, 'value', [0, 2, 1, 3]);
    const scores = g.node('Add', [g.node('Div', [g.node('MatMul', [q, k]), scale]), maskBias]);
    const probs = g.node('Softmax', [scores], [{ name: 'axis', i: -1 }]);
    const ctx = g.node('Reshape', [g.node('Transpose', [g.node('MatMul', [probs, v])], [{ name: 'perm', ints: [0, 2, 1, 3] }]), back3]);
    const attn = layerLinear(ctx, l.attnOutW, l.attnOutB, H, H, `${p}.attention.output.dense`, full?.ctx);
    x = layerNorm(g.node('Add', [attn, x]), l.ln1G, l.ln1B, `${p}.attention.output.LayerNorm`);
    const h = layerLinear(x, l.ffn1W, l.ffn1B, F, H, `${p}.intermediate.dense`, ffn?.ffnIn);
    const erf = g.node('Erf', [g.node('Div', [h, g.scalar(Math.SQRT2)])]);
    const gelu = g.node('Mul', [g.node('Mul', [h, g.node('Add', [erf, g.scalar(1)])]), g.scalar(0.5)]);
    const out = layerLinear(gelu, l.ffn2W, l.ffn2B, H, F, `${p}.output.dense`, ffn?.ffnMid);
    x = layerNorm(g.node('Add', [out, x]), l.ln2G, l.ln2B, `${p}.output.LayerNorm`);
  });

  const pooled = (): string => {
    if (!w.poolW || !w.poolB) throw new Error('unreachable: pooled output without a pooler');
    const first = g.node('Gather', [x, g.int64s([0], [])], [{ name: 'axis', i: 1 }]);
    return g.node('Tanh', [linear(first, w.poolW, w.poolB, H, H, 'pooler.dense')]);
  };
  if (head.kind === 'sequence') {
    const logits = linear(pooled(), head.weight, head.bias, head.labels, H, 'classifier');
    g.node('Identity', [logits], [], 'logits');
    g.output('logits', ElemType.FLOAT, ['batch', head.labels]);
  } else if (head.kind === 'token') {
    const logits = linear(x, head.weight, head.bias, head.labels, H, 'classifier');
    g.node('Identity', [logits], [], 'logits');
    g.output('logits', ElemType.FLOAT, ['batch', 'sequence', head.labels]);
  } else {
    g.node('Identity', [x], [], 'last_hidden_state');
    g.output('last_hidden_state', ElemType.FLOAT, ['batch', 'sequence', H]);
    if (w.poolW) {
      g.node('Identity', [pooled()], [], 'pooler_output');
      g.output('pooler_output', ElemType.FLOAT, ['batch', H]);
    }
  }
}
