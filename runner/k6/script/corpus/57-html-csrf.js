// k6 docs k6/html and "Correlation": the login form's CSRF token read with Response.html(), the
// form posted by hand with it (a token is good once: the server refuses a reused one)
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 2, iterations: 4 };

export default function () {
  const page = http.get(`${__ENV.BASE}/html/form`);
  const doc = page.html();
  const token = doc.find('input[name=csrf]').attr('value');
  const title = page.html('h1');
  check(doc, {
    'token found': () => /^tok-\d+$/.test(token),
    'title': () => title.text() === 'Sign in' && title.attr('id') === 'title',
    'missing attribute is undefined': (d) => d.find('form').attr('nope') === undefined && d.find('form').attr('nope', 'dflt') === 'dflt',
    'html() of nothing is empty': (d) => d.find('table').html() === '' && d.find('table').size() === 0,
    'form fields': (d) => d.find('form').find('input').size() === 8 && d.find('#login').attr('method') === 'post',
  });
  const login = http.post(`${__ENV.BASE}/html/login`, { csrf: token, user: `u${__VU}`, password: 'secret' });
  check(login, {
    'logged in': (r) => r.status === 200 && r.html().find('h1').text() === `Welcome u${__VU}`,
  });
  const replay = http.post(`${__ENV.BASE}/html/login`, { csrf: token, user: `u${__VU}` });
  check(replay, { 'reused token refused': (r) => r.status === 403 && r.html('p.why').text() === 'bad or reused CSRF token' });
}
