// k6's HTML API: parseHTML() from k6/html and Response.html(), the Selection
// methods (traversal, filtering, content, forms) and Element, against a
// server that answers /page with page.html. Documented k6
// API only, so it runs unchanged on real k6. Every check must pass.
// WRONG=1 breaks one expectation on purpose (the test sees it fail).
/* global __ENV, open */
import http from 'k6/http';
import { check, group } from 'k6';
import { parseHTML } from 'k6/html';

export const options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ['rate==1'] },
};

// The document the server answers /page with, parsed in the init context,
// where k6 allows it.
const PAGE = open('./page.html');
const initDoc = parseHTML(PAGE);

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/page`);
  const doc = res.html();

  group('parsing', () => {
    check(doc, {
      'Response.html(): the title': (d) => d.find('head title').text() === 'Catalogue',
      'Response.html(selector) is html().find(selector)': () =>
        res.html('li.item').size() === 3 && res.html('title').text() === 'Catalogue',
      'parseHTML(res.body) equals res.html()': () =>
        parseHTML(res.body).find('li').size() === doc.find('li').size(),
      'parseHTML in the init context': () => initDoc.find('#heading').text() === 'Catalogue',
      'HTML5 parsing: a <tr> gets its <tbody>': (d) =>
        d.find('#prices > tbody > tr > td').text() === '1',
      'entities decoded in text()': (d) => d.find('#amp').text() === 'Fish & Chips',
    });
  });

  group('content', () => {
    const items = doc.find('li.item');
    check(items, {
      'attr(name)': (s) => s.attr('data-id') === '1' && doc.find('html').attr('lang') === 'en',
      'attr of a missing attribute: undefined': (s) => s.attr('nope') === undefined,
      'html(): the markup inside the first element': (s) => s.html() === 'Apple <b>fresh</b>',
      'text(): the text of every element': () =>
        doc.find('li.sale').text() === 'Banana' && items.text().indexOf('Apple fresh') === 0,
      'size()': (s) => s.size() === 3,
      'an empty selection: size 0, text empty, attr undefined': () => {
        const none = doc.find('#missing');
        return none.size() === 0 && none.text() === '' && none.attr('id') === undefined;
      },
      'data(key): numbers, booleans, JSON': () =>
        items.first().data('price') === 9.5 &&
        items.first().data('id') === 1 &&
        doc.find('#profile').data('active') === true &&
        same(doc.find('#profile').data('tags'), ['a', 'b']),
      'data(): every data- attribute, camel-cased': () => {
        const d = doc.find('#profile').data();
        return d.userName === 'bob' && doc.find('#profile').data('userName') === 'bob';
      },
    });
  });

  group('traversal', () => {
    const list = doc.find('#products');
    check(list, {
      'find(selector)': (s) => s.find('li').size() === 4,
      'children([selector])': (s) => s.children().size() === 3 && s.children('.sale').size() === 1,
      'closest(selector)': () => doc.find('li.sub').closest('ul').attr('class') === 'level-2',
      'contents(): text nodes too': () => doc.find('#heading').contents().size() === 1,
      'parent() and parents()': () =>
        doc.find('li.sub').parent().attr('class') === 'level-2' &&
        doc.find('li.sub').parents('ul').size() === 2,
      'next(), prev(), nextAll(), prevAll()': () => {
        const sale = doc.find('li.sale');
        return (
          sale.next().attr('data-id') === '3' &&
          sale.prev().attr('data-id') === '1' &&
          doc.find('li.item').first().nextAll().size() === 2 &&
          doc.find('li.item').last().prevAll().size() === 2
        );
      },
      'nextUntil(selector)': () =>
        doc.find('li.item').first().nextUntil('[data-id="3"]').size() === 1,
      'eq(), first(), last()': () => {
        const items = doc.find('li.item');
        return (
          items.eq(1).attr('data-id') === '2' &&
          items.first().attr('data-id') === '1' &&
          items.last().attr('data-id') === '3'
        );
      },
      'slice(start[, end])': () => {
        const items = doc.find('li.item');
        return items.slice(1).size() === 2 && items.slice(0, 1).attr('data-id') === '1';
      },
      'has(selector)': (s) => s.find('li').has('b').size() === 1,
      'is(selector)': () => doc.find('li.sale').is('.item') && !doc.find('li.sale').is('.sub'),
      'filter(selector) and filter(fn)': () => {
        const items = doc.find('li.item');
        return items.filter('.sale').size() === 1 && items.filter((idx) => idx !== 0).size() === 2;
      },
      'not(selector)': () => doc.find('li.item').not('.sale').size() === 2,
    });
  });

  group('iteration', () => {
    const items = doc.find('li.item');
    const seen = [];
    items.each(function (idx, el) {
      seen.push(`${idx}:${el.nodeName()}:${el.getAttribute('data-id')}`);
    });
    check(items, {
      'each(fn): index and Element': () => same(seen, ['0:li:1', '1:li:2', '2:li:3']),
      'map(fn): the values returned': (s) =>
        same(
          s.map((idx, sel) => sel.attr('data-id')),
          ['1', '2', '3'],
        ),
      'toArray(): a Selection per element': (s) =>
        same(
          s.toArray().map((item) => item.attr('data-id')),
          ['1', '2', '3'],
        ),
    });
  });

  group('Element', () => {
    const el = doc.find('li.item').get(0);
    check(el, {
      'get(index): an Element': (e) => e.nodeName() === 'li' && e.nodeType() === 1,
      'attributes: getAttribute, hasAttribute, className, classList': (e) =>
        e.getAttribute('data-id') === '1' &&
        e.hasAttribute('class') &&
        !e.hasAttribute('id') &&
        doc.find('#heading').get(0).className() === 'title main' &&
        same(doc.find('#heading').get(0).classList(), ['title', 'main']),
      'id(), textContent(), innerHTML()': (e) =>
        doc.find('#heading').get(0).id() === 'heading' &&
        e.textContent() === 'Apple fresh' &&
        e.innerHTML() === 'Apple <b>fresh</b>',
      'children and siblings': (e) =>
        e.childElementCount() === 1 &&
        e.children()[0].nodeName() === 'b' &&
        e.nextElementSibling().getAttribute('data-id') === '2' &&
        e.parentElement().id() === 'products',
      'querySelector(), querySelectorAll()': () =>
        doc.find('#products').get(0).querySelector('b').textContent() === 'fresh' &&
        doc.find('#products').get(0).querySelectorAll('li').length === 4,
      'isSameNode()': () =>
        doc.find('#heading').get(0).isSameNode(doc.find('h1').get(0)) &&
        !doc.find('#heading').get(0).isSameNode(doc.find('b').get(0)),
      'selection(): back to a Selection': (e) =>
        e.selection().closest('ul').attr('id') === 'products',
      'a link: its URL resolved against the response URL': () => {
        const a = doc.find('#next').get(0);
        return (
          a.hostname() === '127.0.0.1' &&
          a.pathname() === '/catalogue' &&
          a.search() === '?page=2' &&
          a.hash() === '#top' &&
          same(a.relList(), ['next', 'nofollow']) &&
          a.text() === 'Next page'
        );
      },
    });
  });

  group('forms', () => {
    const form = doc.find('#login');
    check(form, {
      'val(): input, checkbox without value, select, textarea': (f) =>
        f.find('[name=user]').val() === 'alice' &&
        f.find('[name=newsletter]').val() === 'on' &&
        f.find('select').val() === (__ENV.WRONG === '1' ? 's' : 'm') &&
        f.find('textarea').val() === 'hello',
      'serialize(): the documented example': () => doc.find('#one').serialize() === 'username=',
      'serialize(): the submittable fields, URL-encoded': (f) =>
        same(f.serialize().split('&').sort(), [
          'csrf=tok123',
          'note=hello',
          'remember=on',
          'size=m',
          'user=alice',
        ]),
      'serializeArray(): name and value, in document order': (f) =>
        same(
          f.serializeArray().map((v) => `${v.name}:${v.value}`),
          ['csrf:tok123', 'user:alice', 'remember:on', 'size:m', 'note:hello'],
        ),
      'serializeObject(): name to value': (f) => {
        const o = f.serializeObject();
        return (
          Object.keys(o).length === 5 &&
          o.csrf === 'tok123' &&
          o.user === 'alice' &&
          o.remember === 'on' &&
          o.size === 'm' &&
          o.note === 'hello'
        );
      },
    });
  });
}
