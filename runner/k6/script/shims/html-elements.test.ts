// The per-tag Element methods on parsed documents, with k6's semantics (k6's html/elements.go
// and its tests): attributes as written without a document URL, resolved with one; owner forms
// and labels; option, select and table indexes; numbers and enumerations with k6's defaults.
import { describe, expect, it } from 'vitest';
import { parseHTML } from './html.ts';

const DOC = `<html><head><link rel="alternate next"><title>Croc shop</title><style id="st"></style></head><body>
<a href="/crocs?big=1#teeth">0</a>
<a href="http://zoo.test:80">1</a>
<a href="http://zoo.test:81/pond/list">2</a>
<a href="https://secure.zoo.test:443/">3</a>
<a href="http://keeper:s3cret@zoo.test:80">4</a>
<a id="bare">5</a>
<area href="elsewhere.test">
<form id="order" action="buy" enctype="text/plain" target="_self">
  <label for="b1" id="b1-label"></label><button id="b1" name="b1"></button>
  <label for="b2" id="b2-label"></label>
  <label id="b2-wrap"><button id="b2" type="reset" formaction="/override" formenctype="multipart/form-data" formmethod="POST" formnovalidate formtarget="_top" value="b2v"></button></label>
</form>
<form id="other"></form>
<button id="by-attr" form="other"></button><button id="orphan"></button>
<canvas width="300"></canvas>
<datalist id="sizes"><option id="s1"></option><option id="s2"></option></datalist>
<form id="fs-form" method="post"><fieldset><legend id="lg">L</legend><input id="with-list" list="sizes"><input type="checkbox" list="sizes"><select></select><button></button><textarea></textarea></fieldset></form>
<map id="m1"><area><area></map><img usemap="#m1"><object usemap="#m1"></object><img usemap="#m2">
<form id="f3"><select id="sel"><option id="o1">plain</option><option id="o2" disabled label="named" value="v2" selected>two</option><optgroup disabled><option id="o3" selected></option></optgroup></select></form>
<select id="sel-far" form="f3"><option id="o4"></option></select>
<label for="out"></label><label><output id="out">shown</output></label>
<progress id="p1" max="200" value="50"></progress><progress id="p2"></progress><progress id="p3" value="-1"></progress>
<table><caption>Crocs</caption>
  <thead><tr id="head-row"><td></td><th id="th" colspan="2"></th><td id="td" rowspan="3" headers="th"></td></tr></thead>
  <tfoot><tr></tr><tr id="foot-row"></tr></tfoot>
  <tbody><tr></tr><tr id="body-row"></tr></tbody>
  <tr id="loose-row"></tr>
</table>
<video id="v"><track id="t1"><track id="t2"></video>
<input id="num" type="NUMBER" maxlength="x" size="12">
<textarea id="ta" value="héllo">text</textarea>
</body></html>`;

const doc = parseHTML(DOC);
/** the first match's Element, its methods called by name */
const el = (selector: string) => doc.find(selector).get(0) as unknown as Record<string, () => unknown>;
const ids = (list: unknown) => (list as Array<{ id(): string }>).map((e) => e.id());

describe('k6/html per-tag Element methods', () => {
  it('a: the href and its parts, without a document URL', () => {
    expect([el('a').hash?.(), el('#bare').hash?.()]).toEqual(['#teeth', '']);
    const a = doc.find('a');
    const at = (i: number) => a.get(i) as unknown as Record<string, () => unknown>;
    // a default port is left out of host() but kept in port(), origin() and href()
    expect([1, 2, 3].map((i) => at(i).host?.())).toEqual(['zoo.test', 'zoo.test:81', 'secure.zoo.test']);
    expect([at(4).port?.(), at(4).username?.(), at(4).password?.(), at(4).origin?.()]).toEqual(['80', 'keeper', 's3cret', 'http://zoo.test:80']);
    expect([at(1).pathname?.(), at(2).pathname?.(), at(0).search?.(), at(3).protocol?.(), el('#bare').protocol?.()]).toEqual(['', '/pond/list', '?big=1', 'https', ':']);
    expect([el('#bare').host?.(), el('#bare').origin?.(), el('#bare').relList?.()]).toEqual(['', '', []]);
    expect([at(0).href?.(), String(at(1)), el('area').toString?.()]).toEqual(['/crocs?big=1#teeth', 'http://zoo.test:80', 'elsewhere.test']);
    expect(el('link').relList?.()).toEqual(['alternate', 'next']);
    expect(at(5).nodeName?.()).toBe('a'); // the base Element's methods stay
  });

  it('a and form: URLs resolved against the document URL', () => {
    const page = parseHTML(DOC, 'https://shop.test/pond/index.html?q=1');
    const get = (s: string) => page.find(s).get(0) as unknown as Record<string, () => unknown>;
    expect(get('a').href?.()).toBe('https://shop.test/crocs?big=1#teeth');
    expect(get('area').href?.()).toBe('https://shop.test/pond/elsewhere.test');
    expect(get('#bare').href?.()).toBe(''); // no href: '' (base.href() would be the document's URL)
    expect([get('#order').action?.(), get('#b1').formAction?.(), get('#b2').formAction?.()]).toEqual(['https://shop.test/pond/buy', 'https://shop.test/pond/buy', 'https://shop.test/override']);
    expect(get('#other').action?.()).toBe(''); // form.action() of none: ''
    expect(get('#by-attr').formAction?.()).toBe('https://shop.test/pond/index.html?q=1'); // formAction() of none: the document
  });

  it('buttons: owner forms, form* overrides, labels, value', () => {
    expect([(el('#b1').form?.() as { id(): string }).id(), (el('#by-attr').form?.() as { id(): string }).id()]).toEqual(['order', 'other']);
    expect(typeof el('#orphan').form).toBe('function');
    expect(el('#orphan').form?.()).toBeUndefined();
    expect([el('#b1').formAction?.(), el('#b2').formAction?.()]).toEqual(['buy', '/override']);
    expect([el('#b1').formEnctype?.(), el('#b2').formEnctype?.()]).toEqual(['text/plain', 'multipart/form-data']);
    expect([el('#b1').formMethod?.(), el('#b2').formMethod?.()]).toEqual(['get', 'post']);
    expect([el('#b1').formNoValidate?.(), el('#b2').formNoValidate?.(), el('#b1').formTarget?.(), el('#b2').formTarget?.()]).toEqual([false, true, '_self', '_top']);
    // the wrapping label first, then the one naming it
    expect([ids(el('#b1').labels?.()), ids(el('#b2').labels?.())]).toEqual([['b1-label'], ['b2-wrap', 'b2-label']]);
    expect([el('#b1').name?.(), el('#b2').value?.(), el('#b1').type?.(), el('#b2').type?.()]).toEqual(['b1', 'b2v', 'submit', 'reset']);
    expect(((el('#b2-label').control?.() as Record<string, () => unknown>).value?.())).toBe('b2v');
  });

  it('forms, fieldsets, inputs, datalists, maps', () => {
    expect([el('fieldset').elements?.() as unknown[], el('#fs-form').elements?.() as unknown[]].map((l) => l.length)).toEqual([5, 6]);
    expect([el('#fs-form').length?.(), el('fieldset').type?.(), (el('fieldset').form?.() as { id(): string }).id()]).toEqual([6, 'fieldset', 'fs-form']);
    expect([el('#order').method?.(), el('#fs-form').method?.(), el('#order').enctype?.(), el('#other').enctype?.()]).toEqual(['get', 'post', 'text/plain', 'application/x-www-form-urlencoded']);
    expect(ids((el('#with-list').list?.() as Record<string, () => unknown>).options?.())).toEqual(['s1', 's2']);
    const checkbox = el('input[type=checkbox]');
    expect(typeof checkbox.list).toBe('function');
    expect(checkbox.list?.()).toBeUndefined(); // a checkbox has no list, as in k6
    expect((el('#lg').form?.() as { id(): string }).id()).toBe('fs-form');
    expect([(el('#m1').areas?.() as unknown[]).length, (el('#m1').images?.() as unknown[]).length]).toEqual([2, 2]);
    // an enumeration k6 does not know (case matters) is its default; a number that is not one is the default too
    expect([el('#num').type?.(), el('#num').maxLength?.(), el('#num').size?.(), el('canvas').width?.(), el('canvas').height?.()]).toEqual(['text', -1, 12, 300, 150]);
  });

  it('select and option: the marked options only, indexes across optgroups, the owner form by attribute', () => {
    expect([el('#o1').disabled?.(), el('#o2').disabled?.(), el('#o3').disabled?.()]).toEqual([false, true, true]);
    expect((el('#o4').form?.() as { id(): string }).id()).toBe('f3');
    expect([el('#s2').index?.(), el('#o3').index?.()]).toEqual([1, 2]);
    expect([el('#o1').label?.(), el('#o2').label?.(), el('#o1').text?.(), el('#o1').value?.(), el('#o2').value?.()]).toEqual(['plain', 'named', 'plain', 'plain', 'v2']);
    expect([el('#sel').length?.(), ids(el('#sel').options?.()), ids(el('#sel').selectedOptions?.())]).toEqual([3, ['o1', 'o2', 'o3'], ['o2', 'o3']]);
    expect([el('#sel').selectedIndex?.(), el('#sel-far').selectedIndex?.(), el('#sel').value?.(), el('#sel-far').value?.()]).toEqual([1, -1, 'v2', '']);
    expect([(el('#sel-far').form?.() as { id(): string }).id(), el('#sel').type?.(), el('#sel').size?.()]).toEqual(['f3', 'select', 1]);
  });

  it('output, progress, textarea, style, title, video', () => {
    expect([el('#out').value?.(), el('#out').defaultValue?.(), (el('#out').labels?.() as unknown[]).length]).toEqual(['shown', 'shown', 2]);
    expect([el('#p1').max?.(), el('#p1').value?.(), el('#p1').position?.()]).toEqual([200, 0.25, 0.25]);
    expect([el('#p2').max?.(), el('#p2').value?.(), el('#p2').position?.(), el('#p3').value?.()]).toEqual([1, 0, -1, 0]);
    // k6: the value attribute, its length in UTF-8 bytes (Go's len)
    expect([el('#ta').value?.(), el('#ta').length?.(), el('#ta').type?.()]).toEqual(['héllo', 6, 'textarea']);
    expect([el('#st').type?.(), el('title').text?.(), ids(el('#v').textTracks?.())]).toEqual(['text/css', 'Croc shop', ['t1', 't2']]);
  });

  it('tables: sections, rows and cells by index, as the parser builds them (a loose row gets its own tbody)', () => {
    const table = el('table');
    expect((table.caption?.() as { textContent(): string }).textContent()).toBe('Crocs');
    expect(ids((table.tHead?.() as Record<string, () => unknown>).rows?.())).toEqual(['head-row']);
    expect(ids((table.tFoot?.() as Record<string, () => unknown>).rows?.())).toEqual(['', 'foot-row']);
    expect(ids(table.rows?.())).toEqual(['head-row', '', 'foot-row', '', 'body-row', 'loose-row']);
    expect((table.tBodies?.() as unknown[]).length).toBe(2);
    expect([el('#td').cellIndex?.(), el('#td').colSpan?.(), el('#th').colSpan?.(), el('#td').rowSpan?.(), el('#td').headers?.(), el('#th').scope?.()]).toEqual([2, 1, 2, 3, 'th', '']);
    expect(ids(el('#head-row').cells?.())).toEqual(['', 'th', 'td']);
    expect([el('#foot-row').sectionRowIndex?.(), el('#loose-row').sectionRowIndex?.(), el('#foot-row').rowIndex?.(), el('#loose-row').rowIndex?.()]).toEqual([1, 0, 2, 5]);
  });
});
