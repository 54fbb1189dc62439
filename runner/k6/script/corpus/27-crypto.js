// k6 docs k6/crypto: hashes and HMAC
import crypto from 'k6/crypto';
import { sha256 } from 'k6/crypto';
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  http.get(`${__ENV.BASE}/ok`);
  check(null, {
    'md5': () => crypto.md5('hello world!', 'hex') === 'fc3ff98e8c6a0d3087d515c0473f8677',
    'sha256': () => sha256('hello world!', 'hex') === '7509e5bda0c762d2bac7f90d758b5b2263fa01ccbc542ab5e3df163be08e6ca9',
    'hmac': () => crypto.hmac('sha256', 'a secret', 'my data', 'hex').length === 64,
    'createHash': () => {
      const h = crypto.createHash('sha1');
      h.update('hello ');
      h.update('world!');
      return h.digest('hex') === '430ce34d020724ed75a196dfc2ad67c77772d169';
    },
  });
}
