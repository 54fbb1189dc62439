// a forEach whose callback makes requests: k6 runs them one after another
import http from 'k6/http';

export const options = { iterations: 1 };

export default function () {
  [1, 2, 3].forEach((id) => {
    http.get(`${__ENV.BASE}/crocodiles/${id}`);
  });
}
