/* WCAG 2.1 contrast audit of the page as the browser renders it (run by
   DashboardContrastBrowserIntegrationTests through Selenium).

   audit(): every visible element with a direct text node, every text field (its text and
   its placeholder). The foreground is the computed colour, its alpha multiplied by the
   opacity of the element and its ancestors. The background is composed from the root up
   to the element: each background colour is alpha-blended over what lies below; a
   gradient contributes each of its colour stops as a separate candidate (conservative:
   the worst stop counts), and a background image (url) is reported as unmeasured.
   Required ratio: 4.5:1, or 3:1 for large text (at least 24px, or 18.66px and bold).
   Disabled controls are exempt in WCAG and only counted.

   focusRing(): the focused element's focus indicator: an outline of at least 2px whose
   colour has at least 3:1 against the background around the element (WCAG 1.4.11). */
(function () {
	'use strict';

	var probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });

	function parse(value) {
		var m = /^rgba?\(([^)]+)\)$/.exec(value.trim());
		if (m) {
			var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
			return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
		}
		// any other syntax (oklch, color(), color-mix): let the canvas convert it
		probe.clearRect(0, 0, 1, 1);
		probe.fillStyle = value;
		probe.fillRect(0, 0, 1, 1);
		var d = probe.getImageData(0, 0, 1, 1).data;
		return [d[0], d[1], d[2], d[3] / 255];
	}

	function blend(top, bottom) {
		var a = top[3];
		return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
	}

	function luminance(c) {
		var f = function (v) {
			v /= 255;
			return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
		};
		return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
	}

	function ratio(a, b) {
		var x = luminance(a);
		var y = luminance(b);
		return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
	}

	function hex(c) {
		return '#' + c.slice(0, 3).map(function (v) {
			return ('0' + Math.round(v).toString(16)).slice(-2);
		}).join('');
	}

	/* The possible opaque backgrounds behind an element, and what could not be measured. */
	function backgrounds(el) {
		var layers = [];
		for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
			var s = getComputedStyle(node);
			var layer = { color: parse(s.backgroundColor), stops: null, url: false };
			var image = s.backgroundImage;
			if (image && image !== 'none') {
				layer.url = /url\(/.test(image);
				layer.stops = (image.match(/rgba?\([^)]+\)/g) || []).map(parse);
			}
			layers.push(layer);
			if (layer.color[3] >= 1 && !layer.stops) {
				break;
			}
		}
		var candidates = [[255, 255, 255, 1]];
		var gradient = false;
		var url = false;
		for (var i = layers.length - 1; i >= 0; i--) {
			var l = layers[i];
			candidates = candidates.map(function (c) { return blend(l.color, c); });
			if (l.stops && l.stops.length) {
				gradient = true;
				var next = [];
				candidates.forEach(function (c) {
					l.stops.forEach(function (stop) { next.push(blend(stop, c)); });
				});
				candidates = dedupe(next);
			}
			url = url || l.url;
		}
		return { colors: candidates, gradient: gradient, url: url };
	}

	function dedupe(colors) {
		var seen = {};
		return colors.filter(function (c) {
			var key = hex(c);
			if (seen[key]) {
				return false;
			}
			seen[key] = true;
			return true;
		}).slice(0, 64);
	}

	function opacity(el) {
		var o = 1;
		for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
			o *= parseFloat(getComputedStyle(node).opacity);
		}
		return o;
	}

	function selector(el) {
		var parts = [];
		for (var node = el; node && node.nodeType === 1 && parts.length < 4; node = node.parentElement) {
			var part = node.tagName.toLowerCase();
			if (node.id) {
				part += '#' + node.id;
				parts.unshift(part);
				break;
			}
			if (node.classList.length) {
				part += '.' + Array.from(node.classList).join('.');
			}
			parts.unshift(part);
		}
		return parts.join(' > ');
	}

	function visible(el, s) {
		if (s.display === 'none' || s.visibility !== 'visible') {
			return false;
		}
		var r = el.getBoundingClientRect();
		// visually hidden text (skip link, screen-reader labels) is not shown
		return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0 && s.clip !== 'rect(0px, 0px, 0px, 0px)';
	}

	function measure(el, s, fgValue, kind, text, result) {
		var fg = parse(fgValue);
		fg[3] *= opacity(el);
		var bg = backgrounds(el);
		var size = parseFloat(s.fontSize);
		var weight = parseInt(s.fontWeight, 10) || 400;
		var large = size >= 24 || (size >= 18.66 && weight >= 700);
		var required = large ? 3 : 4.5;
		var worst = null;
		bg.colors.forEach(function (b) {
			var r = ratio(blend(fg, b), b);
			if (!worst || r < worst.ratio) {
				worst = { ratio: r, bg: b };
			}
		});
		result.checked++;
		if (bg.url) {
			result.unmeasured.push(selector(el) + ' (background image)');
		}
		if (worst.ratio < result.worst) {
			result.worst = worst.ratio;
		}
		if (worst.ratio < 4.5) {
			result.belowAa++;
		}
		if (worst.ratio < required) {
			result.failures.push({
				selector: selector(el), kind: kind, text: text.slice(0, 40),
				fg: hex(blend(fg, worst.bg)) + (fg[3] < 1 ? ' (alpha ' + fg[3].toFixed(2) + ')' : ''),
				bg: hex(worst.bg) + (bg.gradient ? ' (worst gradient stop)' : ''),
				ratio: Math.round(worst.ratio * 100) / 100, required: required,
				font: size + 'px/' + weight
			});
		}
	}

	function audit() {
		var result = { checked: 0, worst: 21, belowAa: 0, failures: [], unmeasured: [], disabled: 0 };
		var skip = { SCRIPT: 1, STYLE: 1, NOSCRIPT: 1, OPTION: 1, CANVAS: 1, TEMPLATE: 1, TITLE: 1 };
		document.body.querySelectorAll('*').forEach(function (el) {
			if (skip[el.tagName] || el.closest('svg')) {
				return;
			}
			var s = getComputedStyle(el);
			if (!visible(el, s)) {
				return;
			}
			if (el.matches(':disabled')) {
				result.disabled++;
				return;
			}
			var field = el.matches('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button]), textarea, select');
			if (field) {
				measure(el, s, s.color, 'field text', el.value || '', result);
				if (el.getAttribute('placeholder')) {
					measure(el, s, getComputedStyle(el, '::placeholder').color, 'placeholder',
						el.getAttribute('placeholder'), result);
				}
				return;
			}
			var text = Array.from(el.childNodes)
				.filter(function (n) { return n.nodeType === 3; })
				.map(function (n) { return n.textContent; })
				.join('')
				.trim();
			if (text) {
				measure(el, s, s.color, 'text', text, result);
			}
		});
		result.worst = Math.round(result.worst * 100) / 100;
		return result;
	}

	function focusRing() {
		var el = document.activeElement;
		if (!el || el === document.body) {
			return null;
		}
		var s = getComputedStyle(el);
		var width = parseFloat(s.outlineWidth) || 0;
		var around = backgrounds(el.parentElement || el);
		var color = parse(s.outlineColor);
		var worst = 21;
		around.colors.forEach(function (b) {
			worst = Math.min(worst, ratio(blend(color, b), b));
		});
		return {
			selector: selector(el), text: (el.textContent || el.value || '').trim().slice(0, 30),
			style: s.outlineStyle, width: width, color: hex(color),
			ratio: Math.round(worst * 100) / 100,
			visible: s.outlineStyle !== 'none' && width >= 2 && worst >= 3
		};
	}

	window.__nexusContrast = { audit: audit, focusRing: focusRing };
}());
