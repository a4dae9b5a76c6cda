'use strict';
// patternc's runtime client for nodejs* functions.
//
// It loads the handler named by _HANDLER ("file.export") from
// LAMBDA_TASK_ROOT (CommonJS or ES module) and loops on the Lambda Runtime
// API (2018-06-01) at AWS_LAMBDA_RUNTIME_API, as AWS's own client does:
// GET the next invocation, call the handler (async, or with a callback),
// POST the result or an error document {errorType, errorMessage,
// stackTrace}. A failure to load is POSTed to /runtime/init/error.
const http = require('http');
const path = require('path');
const fs = require('fs');
const util = require('util');
const { pathToFileURL } = require('url');

const BASE = '/2018-06-01/runtime';
const [HOST, PORT] = (() => {
  const a = process.env.AWS_LAMBDA_RUNTIME_API || '';
  const i = a.lastIndexOf(':');
  return [a.slice(0, i), Number(a.slice(i + 1))];
})();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    headers = headers || {};
    if (body !== undefined) {
      body = Buffer.from(body);
      headers['Content-Length'] = body.length;
    }
    const req = http.request({ host: HOST, port: PORT, path: BASE + p, method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body); // headers and body in one write: no Nagle wait between them
  });
}

// Output is written synchronously, as in Lambda: a line printed before
// the handler returns is in the log before the invocation's END line, and
// a handler that prints a flood is slowed by the pipe instead of queueing
// it in memory.
for (const stream of [process.stdout, process.stderr]) {
  if (stream._handle && typeof stream._handle.setBlocking === 'function') stream._handle.setBlocking(true);
}

// console writes lines as Lambda's Node runtime does: time, request id,
// level, message; newlines inside one message become \r so that it stays
// one log event.
let currentId;
for (const [name, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[name] = (...args) => {
    const msg = util.format(...args).replace(/\n/g, '\r');
    process.stdout.write(`${new Date().toISOString()}\t${currentId}\t${level}\t${msg}\n`);
  };
}

function errorDoc(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message, stackTrace: String(err.stack || '').split('\n') };
  }
  return { errorType: typeof err, errorMessage: typeof err === 'string' ? err : util.inspect(err), stackTrace: [] };
}

function postError(p, doc) {
  return request('POST', p, JSON.stringify(doc), { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': doc.errorType });
}

class InitError extends Error {
  constructor(type, message, stack) { super(message); this.type = type; this.frames = stack || []; }
}

async function loadHandler() {
  const spec = process.env._HANDLER || '';
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot < 0) throw new InitError('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  const modPath = spec.slice(0, dot);
  const names = spec.slice(dot + 1).split('.');
  let file;
  for (const ext of ['.js', '.mjs', '.cjs']) {
    if (fs.existsSync(path.join(root, modPath + ext))) { file = path.join(root, modPath + ext); break; }
  }
  if (!file) throw new InitError('Runtime.ImportModuleError', `Error: Cannot find module '${modPath}'`);
  let mod;
  try {
    if (file.endsWith('.mjs')) mod = await import(pathToFileURL(file).href);
    else {
      try { mod = require(file); } catch (e) {
        if (e && e.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(file).href);
        else throw e;
      }
    }
  } catch (e) {
    if (e instanceof SyntaxError) throw new InitError('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`, String(e.stack || '').split('\n'));
    const d = errorDoc(e);
    throw new InitError(d.errorType, d.errorMessage, d.stackTrace);
  }
  let fn = mod;
  for (const n of names) fn = fn == null ? undefined : fn[n];
  if (fn === undefined) throw new InitError('Runtime.HandlerNotFound', `${spec} is undefined or not exported`);
  if (typeof fn !== 'function') throw new InitError('Runtime.HandlerNotFound', `${spec} is not a function`);
  return fn;
}

// invoke calls the handler the three ways Lambda allows: returning a
// promise, taking a callback (three parameters), or the context's
// succeed/fail/done.
function invoke(handler, event, context) {
  return new Promise((resolve, reject) => {
    let done = false;
    const callback = (err, result) => {
      if (done) return;
      done = true;
      if (err !== undefined && err !== null) reject(err); else resolve(result);
    };
    context.done = callback;
    context.succeed = (r) => callback(null, r);
    context.fail = (e) => callback(e === undefined || e === null ? 'handled' : e);
    try {
      const r = handler(event, context, callback);
      if (r && typeof r.then === 'function') r.then((v) => callback(null, v), (e) => callback(e === undefined || e === null ? new Error('the handler rejected') : e));
      else if (handler.length < 3) callback(null, r);
    } catch (e) {
      callback(e);
    }
  });
}

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (e) {
    const doc = e instanceof InitError ? { errorType: e.type, errorMessage: e.message, stackTrace: e.frames } : errorDoc(e);
    console.error(`${doc.errorType}: ${doc.errorMessage}`);
    await postError('/init/error', doc);
    process.exit(1);
  }
  process.on('uncaughtException', async (err) => {
    const doc = errorDoc(err);
    console.error('Uncaught Exception', JSON.stringify(doc));
    if (currentId) await postError(`/invocation/${currentId}/error`, doc).catch(() => {});
    process.exit(129);
  });
  process.on('unhandledRejection', async (reason) => {
    const doc = { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: String(reason && reason.message || reason), stackTrace: [] };
    console.error('Unhandled Promise Rejection', JSON.stringify(doc));
    if (currentId) await postError(`/invocation/${currentId}/error`, doc).catch(() => {});
    process.exit(128);
  });
  for (;;) {
    const next = await request('GET', '/invocation/next');
    if (next.status !== 200) process.exit(0); // shutting down
    const h = next.headers;
    const id = h['lambda-runtime-aws-request-id'];
    currentId = id;
    process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'] || '';
    const deadline = Number(h['lambda-runtime-deadline-ms'] || 0);
    const context = {
      awsRequestId: id,
      invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: h['lambda-runtime-client-context'] ? JSON.parse(h['lambda-runtime-client-context']) : undefined,
      identity: h['lambda-runtime-cognito-identity'] ? JSON.parse(h['lambda-runtime-cognito-identity']) : undefined,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    };
    let event;
    try {
      event = next.body.length ? JSON.parse(next.body.toString('utf8')) : null;
    } catch (e) {
      await postError(`/invocation/${id}/error`, { errorType: 'Runtime.UnmarshalError', errorMessage: `Unable to unmarshal input: ${e.message}`, stackTrace: [] });
      continue;
    }
    let body;
    try {
      const result = await invoke(handler, event, context);
      body = JSON.stringify(result === undefined ? null : result);
    } catch (err) {
      const doc = errorDoc(err);
      console.error('Invoke Error', JSON.stringify(doc));
      await postError(`/invocation/${id}/error`, doc);
      continue;
    }
    await request('POST', `/invocation/${id}/response`, body, { 'Content-Type': 'application/json' });
  }
}

main();
