// The bridge's frames: any chunking of the byte stream gives back the frames sent; tensors are checked against
// the body; malformed prefixes and headers are refused.
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, tensorOf } from '../src/protocol.js';

describe('frames', () => {
  it('round-trip through every chunking, tensors included', () => {
    const a = encodeFrame({ id: 1, op: 'x', args: { text: '房间' } }, { t: { data: Float32Array.from([1.5, -2]), shape: [1, 2] } });
    const b = encodeFrame({ id: 2 }, { ids: { data: Int32Array.from([7, 8, 9]), shape: [3] } });
    const stream = Buffer.concat([a, b]);
    for (const size of [1, 3, 7, 8, 13, stream.length]) {
      const reader = new FrameReader();
      const frames = [];
      for (let i = 0; i < stream.length; i += size) frames.push(...reader.push(stream.subarray(i, i + size)));
      expect(frames.map((f) => f.header.id)).toEqual([1, 2]);
      expect(frames[0]!.header.args).toEqual({ text: '房间' });
      expect(Array.from(tensorOf(frames[0]!, 't', 'float32')!.data)).toEqual([1.5, -2]);
      expect(Array.from(tensorOf(frames[1]!, 'ids', 'int32')!.data)).toEqual([7, 8, 9]);
      expect(tensorOf(frames[1]!, 'missing', 'int32')).toBeUndefined();
    }
  });

  it('refuses tensors that do not fit the body, a bad prefix and a header that is not a JSON object', () => {
    const [frame] = new FrameReader().push(encodeFrame({ id: 1, tensors: [{ name: 'x', dtype: 'int32', shape: [4], offset: 0, nbytes: 16 }] }));
    expect(() => tensorOf(frame!, 'x', 'int32')).toThrow(/must be int32 with a shape that matches its bytes/);
    const [wrongType] = new FrameReader().push(encodeFrame({ id: 1 }, { x: { data: Int32Array.from([1]), shape: [1] } }));
    expect(() => tensorOf(wrongType!, 'x', 'float32')).toThrow(/must be float32/);
    const zero = Buffer.alloc(8);
    expect(() => new FrameReader().push(zero)).toThrow(/Frame header of 0 bytes/);
    const notJson = Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{')]);
    expect(() => new FrameReader().push(notJson)).toThrow(/not JSON/);
    const array = Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('[]')]);
    expect(() => new FrameReader().push(array)).toThrow(/JSON object/);
  });
});
