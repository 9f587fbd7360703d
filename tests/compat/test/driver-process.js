'use strict';
// Spawns client.js the way the C# tests do and reads its event lines.
// (A JS twin of the C# helper, used by the self-test.)

const { spawn } = require('child_process');
const path = require('path');
const readline = require('readline');

const CLIENT = path.join(__dirname, '..', 'client.js');

class DriverProcess {
  constructor(args, { echoStderr = !!process.env.COMPAT_DEBUG } = {}) {
    this.events = [];
    this.stderr = '';
    this.waiters = [];
    this.proc = spawn(process.execPath, [CLIENT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      let ev;
      try {
        ev = JSON.parse(line);
      } catch {
        ev = { event: 'badLine', line }; // a test fails on this: stdout must be pure JSON lines
      }
      this.events.push(ev);
      if (process.env.COMPAT_DEBUG) process.stderr.write(`  [driver] ${line}\n`);
      this.waiters = this.waiters.filter((w) => !w.check());
    });
    this.proc.stderr.on('data', (d) => {
      this.stderr += d;
      if (echoStderr) process.stderr.write(`  [driver stderr] ${d}`);
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
  }

  send(cmd) {
    this.proc.stdin.write(JSON.stringify(cmd) + '\n');
  }

  /** Resolves with the first event (at index >= from) matching pred; rejects after timeoutMs. */
  waitFor(pred, timeoutMs = 10000, from = 0) {
    if (typeof pred === 'string') {
      const name = pred;
      pred = (e) => e.event === name;
    }
    return new Promise((resolve, reject) => {
      const w = {
        check: () => {
          const hit = this.events.slice(from).find(pred);
          if (hit) {
            clearTimeout(w.timer);
            resolve(hit);
          }
          return !!hit;
        },
      };
      if (w.check()) return;
      w.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pred}; events so far:\n` +
          this.events.map((e) => '  ' + JSON.stringify(e)).join('\n') + `\nstderr:\n${this.stderr.slice(-3000)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  of(name) {
    return this.events.filter((e) => e.event === name);
  }

  async exit() {
    if (this.proc.exitCode === null) this.send({ cmd: 'exit' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { DriverProcess, sleep };
