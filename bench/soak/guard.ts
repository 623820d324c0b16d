/**
 * Preloaded into the soak's `vigil serve` child (`--import`): the server stops by itself when
 * the bench process that started it goes away (even after a `kill -9` of the bench, which can
 * run no clean-up), or at the deadline in VIGIL_SOAK_DEADLINE (epoch ms). SIGTERM first (the
 * server's clean stop), a hard exit 10 s later. One timer a second; nothing else.
 */
const parent = process.ppid;
const deadline = Number(process.env.VIGIL_SOAK_DEADLINE ?? 0);
let stopping = false;
setInterval(() => {
  if (stopping || (process.ppid === parent && !(deadline > 0 && Date.now() > deadline))) return;
  stopping = true;
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 10_000).unref();
}, 1000).unref();

export {};
