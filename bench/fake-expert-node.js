// An OpenAI-compatible expert node that answers instantly, for `./llmc bench gateway`: a canned chat completion
// for POST /v1/chat/completions and a model list for GET /v1/models (the gateway's health check). Node's single
// event loop keeps it on one core, away from most of the gateway's CPU. Prints "PORT=<port>" once listening.
// A request with "stream": true gets BENCH_STREAM_BYTES (default 16 MiB) of content as fast as the connection takes
// it (`./llmc bench slow-readers`); GET /stats tells how many bytes it has streamed so far and how long a whole
// stream is.
'use strict';
const http = require('http');

const completion = Buffer.from(JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1700000000, model: 'bench',
  choices: [{index: 0, message: {role: 'assistant', content: 'bench answers'}, finish_reason: 'stop'}],
  usage: {prompt_tokens: 11, completion_tokens: 3, total_tokens: 14},
}));
const models = Buffer.from(JSON.stringify({object: 'list', data: [{id: 'bench', object: 'model'}]}));

function reply(res, status, body) {
  res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': body.length});
  res.end(body);
}

const streamBytes = Number(process.env.BENCH_STREAM_BYTES || 16 * 1024 * 1024);
let streamed = 0;
let streamSize = 0;

function chunk(delta, finish) {
  return Buffer.from('data: ' + JSON.stringify({id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1700000000,
    model: 'bench', choices: [{index: 0, delta: delta, finish_reason: finish}]}) + '\n\n');
}

// Writes while the connection takes it and waits for 'drain' when it does not: a reader that stops holds this back.
function stream(res) {
  res.writeHead(200, {'Content-Type': 'text/event-stream'});
  const piece = chunk({content: 'x'.repeat(1000)}, null);
  streamSize = Math.ceil(streamBytes / 1000) * piece.length;
  let left = streamBytes;
  const more = () => {
    while (left > 0) {
      left -= 1000;
      streamed += piece.length;
      if (!res.write(piece)) {
        res.once('drain', more);
        return;
      }
    }
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
  };
  res.write(chunk({role: 'assistant', content: ''}, null));
  more();
}

const server = http.createServer((req, res) => {
  // Only whether a stream is asked for matters: the canned reply does not depend on the rest.
  let streaming = false;
  req.on('data', (data) => { streaming = streaming || data.includes('"stream": true') || data.includes('"stream":true'); });
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/v1/chat/completions' && streaming) {
      stream(res);
    } else if (req.method === 'GET' && req.url === '/stats') {
      reply(res, 200, Buffer.from(JSON.stringify({streamed: streamed, stream_size: streamSize})));
    } else if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      reply(res, 200, completion);
    } else if (req.method === 'GET' && req.url === '/v1/models') {
      reply(res, 200, models);
    } else {
      reply(res, 404, Buffer.from('{"error":{"message":"not found"}}'));
    }
  });
});
// Keep pooled connections from the gateway and the load generators open for the whole run.
server.keepAliveTimeout = 120000;
server.headersTimeout = 121000;
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  console.log('PORT=' + server.address().port);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
