// An OpenAI-compatible expert node that answers instantly, for `./llmc bench gateway`: a canned chat completion
// for POST /v1/chat/completions and a model list for GET /v1/models (the gateway's health check). Node's single
// event loop keeps it on one core, away from most of the gateway's CPU. Prints "PORT=<port>" once listening.
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

const server = http.createServer((req, res) => {
  // Drain the body without parsing it: the reply does not depend on it.
  req.on('data', () => {});
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
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
