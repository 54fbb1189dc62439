// k6 docs k6/html Selection and Element: links iterated with each() (its callback gets an
// Element) and map() (a Selection), one request per link from inside each(); data() and get()
import http from 'k6/http';
import { parseHTML } from 'k6/html';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const res = http.get(`${__ENV.BASE}/html/links`);
  const doc = parseHTML(res.body);
  const links = doc.find('#crocs a');
  const seen = [];
  links.each(function (i, el) {
    seen.push(`${i}:${el.nodeName()}:${el.getAttribute('href')}:${el.textContent()}`);
  });
  const names = links.map((i, s) => s.text());
  const ids = [];
  // a request per link, each one answered before the next is sent (as in k6)
  links.each((i, el) => {
    const croc = http.get(`${__ENV.BASE}/crocodiles/${Math.floor(Number(el.selection().data('crocId')))}`);
    ids.push(croc.json('id'));
  });
  const first = links.get(0);
  const last = links.get(-1);
  check(doc, {
    'each gets Elements': () => seen.join('|') === '0:a:/crocodiles/1:Bert|1:a:/crocodiles/2:Ernie|2:a:../crocodiles/3:Sobek',
    'map gets Selections': () => JSON.stringify(names) === '["Bert","Ernie","Sobek"]',
    'requests from each': () => JSON.stringify(ids) === '[1,2,3]',
    'data() converts': () => {
      const d = links.first().data();
      return d.crocId === 1 && d.meta.age === 3 && d.big === false && links.eq(1).data('nick') === undefined && links.last().data('crocId') === '3.50';
    },
    'get() and Element fields': () =>
      first.nodeType() === 1 && first.id() === '' && first.hasAttribute('data-meta') && first.attributes()['href'].value === '/crocodiles/1' && last.textContent() === 'Sobek' && links.get(3) === undefined && links.get().length === 3,
    'tree navigation': () =>
      first.parentElement().nodeName() === 'li' &&
      doc.find('li.last').prev().children('a').text() === 'Ernie' &&
      doc.find('li').index(doc.find('li.last')) === 2 &&
      doc.find('a').closest('ul').attr('id') === 'crocs' &&
      doc.find('li').filter((i, s) => s.text() !== 'Ernie').size() === 2 &&
      doc.find('li').not('.last').size() === 2 &&
      doc.find('li').is('.last') &&
      doc.find('p').contents().size() === 2 &&
      doc.find('p b').get(0).previousSibling().nodeValue() === 'after' &&
      doc.find('html').get(0).parentNode().nodeName() === '#document' &&
      doc.find('html').get(0).parentElement() === undefined &&
      doc.find('li').toArray().every((s) => s.size() === 1) &&
      doc.find('li').slice(1).size() === 2,
  });
  // clickLink: the first a[href], resolved against the page's URL
  const clicked = res.clickLink({ selector: 'li.last a' });
  check(clicked, { 'clickLink followed the relative href': (r) => r.status === 200 && r.url === `${__ENV.BASE}/crocodiles/3` });
}
