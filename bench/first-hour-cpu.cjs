'use strict';
// Preloaded by bench/first-hour.ts (`node -r`): reports the process's own CPU time on fd 3 at exit, a figure that a
// loaded machine inflates far less than wall time.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  try {
    require('node:fs').writeSync(3, JSON.stringify({ cpu: (user + system) / 1e6 }));
  } catch {
    // fd 3 is not open: run outside the bench.
  }
});
