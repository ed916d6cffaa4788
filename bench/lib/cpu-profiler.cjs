/**
 * Preloaded with `--require` (allowed in NODE_OPTIONS, where `--cpu-prof` is refused): starts V8's
 * CPU profiler through the inspector before the server loads and writes the profile to
 * $BENCH_CPU_PROFILE_DIR/<pid>.cpuprofile when the process exits, in the format `--cpu-prof` writes.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file Node preloads as is */
/* global require */
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // Same-thread inspector messages are answered synchronously, so this completes inside 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
