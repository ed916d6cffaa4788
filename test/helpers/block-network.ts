// Tests may only talk to loopback: any other destination fails loudly instead of leaking traffic.
import net from 'node:net';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const originalConnect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
  const [first] = args;
  const options = (typeof first === 'object' && first !== null ? first : {}) as {
    host?: string;
    path?: string;
  };
  const host = typeof first === 'object' ? options.host : (args[1] as string | undefined);
  if (!options.path && host !== undefined && !LOOPBACK.has(host)) {
    throw new Error(`Network access to ${host} is blocked in tests; use a local emulator`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
