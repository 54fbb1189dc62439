// k6 docs Response.submitForm(): the form's fields as k6 serialises them (hidden CSRF token,
// checked boxes, selected options, textarea), the submit button, the fields given, sent to the
// form's action with its method; a GET form's fields go in the query
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 3 };

export default function () {
  const page = http.get(`${__ENV.BASE}/html/form`);
  const form = page.html('form');
  check(form, {
    'val() by element kind': (f) =>
      f.find('select[name=lang]').val() === 'fr' &&
      JSON.stringify(f.find('select[name=tags]').val()) === '["a","b"]' &&
      f.find('textarea').val() === 'a &amp; b' &&
      f.find('input[name=plan]').val() === 'on' &&
      f.find('input[name=user]').val() === '' &&
      f.find('button').val() === '' &&
      f.find('h1').val() === undefined,
    'serializeArray': (f) => f.serializeArray().map((x) => x.name).join(',') === 'csrf,user,password,remember,plan,lang,tags,note',
    'serialize': (f) => /^csrf=tok-\d+&lang=fr&note=a\+%26amp%3B\+b&password=&plan=on&remember=yes&tags=a&tags=b&user=$/.test(f.serialize()),
  });
  const submitted = page.submitForm({ formSelector: '#login', fields: { user: `u${__ITER}`, password: 'secret' } });
  check(submitted, {
    'submitted to the action': (r) => r.status === 200 && r.url === `${__ENV.BASE}/html/login?from=form` && r.html('h1').text() === `Welcome u${__ITER}`,
  });
  const search = http.get(`${__ENV.BASE}/html/search`).submitForm({ params: { tags: { name: 'search' } } });
  check(search, { 'GET form in the query': (r) => JSON.stringify(r.json('query')) === '{"page":"2","q":"croc","s":"Go"}' });
}
