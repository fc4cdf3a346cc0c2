// The Node side of samp's Python bridge: reads request frames from stdin, runs them (several at a time), and
// writes one response frame per request to stdout, in completion order, matched by `id`. stdout carries frames
// only; warnings and diagnostics go to stderr. The end of stdin closes everything and exits.
import { errorInfo } from 'samp';
import { closeAll, handle } from './handlers.js';
import { encodeFrame, type Frame, FrameReader } from './protocol.js';

const write = (frame: Buffer) => process.stdout.write(frame);

async function serve(frame: Frame): Promise<void> {
  const id = frame.header.id;
  try {
    const reply = await handle(frame);
    write(encodeFrame({ id, ok: true, result: reply.result }, reply.tensors));
  } catch (error) {
    write(encodeFrame({ id, ok: false, error: errorInfo(error) }));
  }
}

const reader = new FrameReader();
process.stdin.on('data', (chunk: Buffer) => {
  let frames: Frame[];
  try {
    frames = reader.push(chunk);
  } catch (error) {
    // the byte stream can no longer be trusted: say why, and stop
    write(encodeFrame({ id: 0, ok: false, fatal: true, error: errorInfo(error) }));
    process.exitCode = 2;
    closeAll();
    process.stdin.destroy();
    return;
  }
  for (const frame of frames) void serve(frame);
});
process.stdin.on('end', () => {
  closeAll();
  process.exit(0);
});
write(encodeFrame({ id: 0, ok: true, event: 'ready', protocol: 1 }));
