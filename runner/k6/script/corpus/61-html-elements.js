// k6 docs k6/html Element: the per-tag methods (a.href(), form.action(), input.value(),
// select.options(), ...) with k6's semantics: URLs resolved against the page's URL (Response.html())
// or the attribute as written (parseHTML() without one), enumerated attributes defaulted,
// numbers as Go's Atoi, a field's form found by ancestry or its form attribute
import http from 'k6/http';
import { parseHTML } from 'k6/html';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const res = http.get(`${__ENV.BASE}/html/elements`);
  const doc = res.html();
  const el = (selector) => doc.find(selector).get(0);
  const home = el('#home');
  const ext = el('#ext');
  const form = el('form');
  const qty = el('#qty');
  const odd = el('input[name=odd]');
  const select = el('select');
  const host = __ENV.BASE.replace(/^http:\/\//, '');
  check(doc, {
    'a: href resolved and its parts': () =>
      home.href() === `${__ENV.BASE}/crocodiles/1?x=1#top` &&
      String(home) === home.href() &&
      home.pathname() === '/crocodiles/1' &&
      home.search() === '?x=1' &&
      home.hash() === '#top' &&
      home.host() === host &&
      home.protocol() === 'http' &&
      JSON.stringify(home.relList()) === '["next","nofollow"]' &&
      home.text() === 'Bert' &&
      home.nodeName() === 'a' &&
      el('#rel').href() === `${__ENV.BASE}/crocodiles/2`,
    // as Go's net/url: the host as written, the default port kept in href() but not in host()
    'a: an absolute href with user and port': () =>
      ext.href() === 'https://user:pw@Other.test:443/p%20q' &&
      ext.host() === 'Other.test' &&
      ext.hostname() === 'Other.test' &&
      ext.port() === '443' &&
      ext.username() === 'user' &&
      ext.password() === 'pw' &&
      ext.origin() === 'https://Other.test:443' &&
      ext.pathname() === '/p q',
    // method() is "post" only when written so (k6); formMethod() lower-cases
    'form: action, method, enctype, elements': () =>
      form.action() === `${__ENV.BASE}/html/order` && form.method() === 'get' && form.enctype() === 'multipart/form-data' && form.length() === 5 && form.elements().length === 5 && form.elements()[0].name() === 'qty',
    'input: value, type, form, labels': () =>
      qty.value() === '2' &&
      qty.type() === 'number' &&
      qty.maxLength() === 3 &&
      qty.size() === 0 &&
      qty.form().id() === 'buy' &&
      qty.labels().length === 1 &&
      qty.labels()[0].textContent() === 'Quantity' &&
      qty.formMethod() === 'post' &&
      qty.formAction() === `${__ENV.BASE}/html/order` &&
      odd.type() === 'text' &&
      odd.list().id() === 'sizes' &&
      el('#outside').form().id() === 'buy',
    'select and option': () =>
      select.value() === 'brown' &&
      select.selectedIndex() === 1 &&
      select.options().length === 2 &&
      select.options()[1].index() === 1 &&
      select.type() === 'select' &&
      select.labels().length === 1 &&
      select.form().id() === 'buy' &&
      odd.list().options()[1].label() === 'Large' &&
      odd.list().options()[0].label() === 'Small' &&
      odd.list().options()[0].value() === 's',
    // textarea.value() is its value attribute in k6; the Selection's val() its text
    'button and textarea': () =>
      el('#send').value() === 'Send <b>now</b>' &&
      el('#send').type() === 'submit' &&
      el('#send').formAction() === `${__ENV.BASE}/checkout` &&
      el('textarea').value() === 'attr' &&
      doc.find('textarea').val() === 'inner' &&
      el('textarea').type() === 'textarea',
    'img, table, li, progress': () =>
      el('img').src() === `${__ENV.BASE}/img/bert.png` &&
      el('img').width() === 64 &&
      el('img').height() === 0 &&
      el('table').caption().textContent() === 'Crocs' &&
      el('table').rows().length === 1 &&
      el('table').tBodies().length === 1 &&
      el('th').scope() === 'col' &&
      el('td').colSpan() === 2 &&
      el('td').cellIndex() === 1 &&
      el('tr').rowIndex() === 0 &&
      el('li').value() === 3 &&
      doc.find('li').get(1).value() === 0 &&
      el('progress').value() === 0.25 &&
      el('progress').max() === 120,
  });
  // without a document URL: the attributes as written; a relative path still gets its leading '/'
  const bare = parseHTML(res.body);
  check(bare, {
    'parseHTML without a URL: attributes as written': (d) =>
      d.find('#rel').get(0).href() === '../crocodiles/2' &&
      d.find('#rel').get(0).pathname() === '/crocodiles/2' &&
      d.find('#rel').get(0).protocol() === ':' &&
      d.find('form').get(0).action() === 'order' &&
      d.find('#qty').get(0).formAction() === 'order',
  });
}
