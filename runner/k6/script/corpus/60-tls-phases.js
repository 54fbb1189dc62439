// k6 docs Response.timings and the HTTP metrics: tls_handshaking, connecting and blocked of a new
// https connection, none on the reused one; plain http has no handshake. insecureSkipTLSVerify
// because the local server's certificate is self-signed.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  vus: 1,
  iterations: 3,
  insecureSkipTLSVerify: true,
  thresholds: {
    http_req_tls_handshaking: ['max>0'],
    'http_req_tls_handshaking{kind:plain}': ['max>0'],
    'http_req_blocked{kind:tls}': ['max>0'],
    'http_req_connecting{kind:tls}': ['max>0'],
  },
};

export default function () {
  const res = http.get(`${__ENV.TLS_BASE}/crocodiles`, { tags: { kind: 'tls' } });
  if (__ITER === 0) {
    check(res, {
      'new connection: TLS handshake and TCP connect timed': (r) => r.status === 200 && r.timings.tls_handshaking > 0 && r.timings.connecting > 0,
      'blocked holds the connect and the handshake': (r) => r.timings.blocked >= r.timings.connecting + r.timings.tls_handshaking,
    });
  } else {
    check(res, { 'reused connection: no connect, no handshake': (r) => r.status === 200 && r.timings.tls_handshaking === 0 && r.timings.connecting === 0 });
  }
  const plain = http.get(`${__ENV.BASE}/crocodiles`, { tags: { kind: 'plain' } });
  check(plain, { 'plain http: no handshake': (r) => r.status === 200 && r.timings.tls_handshaking === 0 });
}
