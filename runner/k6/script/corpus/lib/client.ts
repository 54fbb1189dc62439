// a TypeScript helper module: types, an interface, a generic helper that makes requests
import * as http from 'k6/http';

export interface Croc {
  id: number;
  name: string;
}

export function getJson<T>(url: string): T {
  return http.get(url).json() as T;
}

// open() in a local module is relative to that module (k6): ../data from lib/
export const csvLines: number = open('../data/crocs.csv').trim().split('\n').length;
