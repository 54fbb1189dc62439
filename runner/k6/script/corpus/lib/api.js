// a local module with helpers that make requests (the transform follows them)
import http from 'k6/http';
import { check } from 'k6';

export function getCroc(base, id) {
  const r = http.get(`${base}/crocodiles/${id}`, { tags: { name: 'GET /crocodiles/:id' } });
  check(r, { 'croc found': (x) => x.status === 200 });
  return r.json();
}

export const api = {
  list(base) {
    return http.get(`${base}/crocodiles`).json();
  },
};
