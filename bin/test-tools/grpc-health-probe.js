// A gRPC health client written on Node's @grpc/grpc-js (not on grpc-java), so the health service
// is checked by a client Venice did not write; run by bin/test-tools/grpc-health-probe.
//   check HOST:PORT [SERVICE]  prints the status; exit 0 SERVING, 1 any other status, 2 error
//   watch HOST:PORT SERVICE    prints each status on its own line; exit 0 when the server ends
//                              the stream with OK, 2 on an error status
// GRPC_HEALTH_PROBE_TIMEOUT: a check's deadline in seconds (default 10); a watch has none.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [mode, target, service = ''] = process.argv.slice(2);
if (!target || !['check', 'watch'].includes(mode) || (mode === 'watch' && process.argv.length < 5)) {
  console.error('usage: grpc-health-probe check HOST:PORT [SERVICE]\n'
      + '       grpc-health-probe watch HOST:PORT SERVICE');
  process.exit(2);
}

const definition = protoLoader.loadSync(path.join(__dirname, 'health.proto'),
    {keepCase: true, enums: String, defaults: true});
const Health = grpc.loadPackageDefinition(definition).grpc.health.v1.Health;
const client = new Health(target, grpc.credentials.createInsecure());

function failed(err) {
  console.error(`error: ${grpc.status[err.code] || err.code}: ${err.details || err.message}`);
  process.exitCode = 2;
}

if (mode === 'check') {
  const seconds = Number(process.env.GRPC_HEALTH_PROBE_TIMEOUT || '10');
  client.Check({service}, {deadline: Date.now() + seconds * 1000}, (err, response) => {
    if (err) {
      failed(err);
    } else {
      console.log(response.status);
      process.exitCode = response.status === 'SERVING' ? 0 : 1;
    }
    client.close();
  });
} else {
  const call = client.Watch({service});
  call.on('data', (response) => console.log(response.status));
  call.on('error', () => {}); // reported by the status event
  call.on('status', (status) => {
    if (status.code === grpc.status.OK) {
      process.exitCode = 0;
    } else {
      failed(status);
    }
    client.close();
  });
}
