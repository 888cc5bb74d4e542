/* Nexus dashboard: live updates over Server-Sent Events, charts, theme switching and small
   conveniences. No build step; htmx and Chart.js come from WebJars. */
(function () {
	'use strict';

	var charts = new Map();

	function css(name) {
		return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
	}

	function toneColor(tone) {
		return css('--chart-' + tone) || css('--accent') || '#2563eb';
	}

	function drawCharts(root) {
		if (!window.Chart) {
			return;
		}
		(root || document).querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
			if (charts.has(canvas)) {
				return;
			}
			var spec = JSON.parse(canvas.getAttribute('data-chart'));
			var options = spec.options || {};
			var text = css('--chart-text') || css('--text');
			var grid = css('--chart-grid') || 'rgba(128,128,128,.2)';
			Chart.defaults.font.family = css('--font-body') || 'system-ui';
			var datasets = spec.datasets.map(function (d) {
				var color = toneColor(d.tone);
				return {
					label: d.label, data: d.data, borderColor: color,
					backgroundColor: spec.type === 'line' ? color + '33' : color,
					borderWidth: spec.type === 'line' ? 2 : 0, borderRadius: spec.type === 'bar' ? 3 : 0,
					fill: spec.type === 'line', tension: 0.3, spanGaps: true, pointRadius: spec.type === 'line' && !options.dense ? 2.5 : 0, pointHoverRadius: options.dense ? 3 : 5,
					maxBarThickness: 28
				};
			});
			var scales = {
				x: { stacked: !!options.stacked, ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 }, grid: { color: grid, display: !!options.horizontal } },
				y: { stacked: !!options.stacked, beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid, display: !options.horizontal } }
			};
			if (options.percent) {
				scales.y.max = 100;
			}
			var chart = new Chart(canvas, {
				type: spec.type,
				data: { labels: spec.labels, datasets: datasets },
				options: {
					responsive: true, maintainAspectRatio: false, animation: false,
					indexAxis: options.horizontal ? 'y' : 'x',
					interaction: { mode: 'index', intersect: false },
					plugins: { legend: { display: datasets.length > 1, labels: { color: text, boxWidth: 12 } } },
					scales: scales
				}
			});
			charts.set(canvas, chart);
		});
	}

	function destroyCharts(root) {
		root.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
			var chart = charts.get(canvas);
			if (chart) {
				chart.destroy();
				charts.delete(canvas);
			}
		});
	}

	/* Live updates: one stream per page; a "changed" event makes every live region re-fetch
	   itself (htmx, hx-trigger="nexus-changed from:body"). EventSource reconnects by itself;
	   if the server refused the stream (closed), we retry, and after a restart we refresh. */
	var status;
	var pending = null;
	var lastRefresh = 0;

	function setLive(state, text) {
		if (!status) {
			return;
		}
		status.setAttribute('data-state', state);
		status.querySelector('.live-text').textContent = text;
	}

	function refresh() {
		var wait = Math.max(0, 400 - (Date.now() - lastRefresh));
		if (pending) {
			return;
		}
		pending = setTimeout(function () {
			pending = null;
			lastRefresh = Date.now();
			if (document.activeElement && document.activeElement.closest('[data-live] form')) {
				// do not pull a focused control from under a keyboard user; try again shortly
				setTimeout(refresh, 1500);
				return;
			}
			document.body.dispatchEvent(new CustomEvent('nexus-changed'));
		}, wait);
	}

	function connect(wasDown) {
		var source = new EventSource('/dashboard/events');
		var down = wasDown;
		source.addEventListener('hello', function () {
			setLive('live', 'Live');
			if (down) {
				refresh();
			}
			down = false;
		});
		source.addEventListener('changed', refresh);
		source.onerror = function () {
			down = true;
			setLive('down', 'Reconnecting…');
			if (source.readyState === EventSource.CLOSED) {
				setTimeout(function () {
					fetch('/status', { credentials: 'same-origin' }).then(function (r) {
						if (r.status === 401) {
							window.location.href = '/login';
						}
						else {
							connect(true);
						}
					}, function () { connect(true); });
				}, 2000);
			}
		};
	}

	function copy(button) {
		var target = document.querySelector(button.getAttribute('data-copy'));
		var text = target.value !== undefined && target.tagName === 'INPUT' ? target.value : target.textContent;
		var done = function () {
			var label = button.textContent;
			button.textContent = 'Copied';
			setTimeout(function () { button.textContent = label; }, 1500);
		};
		if (navigator.clipboard && window.isSecureContext) {
			navigator.clipboard.writeText(text).then(done);
		}
		else {
			var area = document.createElement('textarea');
			area.value = text;
			document.body.appendChild(area);
			area.select();
			document.execCommand('copy');
			area.remove();
			done();
		}
	}

	document.addEventListener('DOMContentLoaded', function () {
		status = document.getElementById('live-status');
		drawCharts(document);
		if (status) {
			connect(false);
		}
		document.querySelectorAll('[data-theme-select]').forEach(function (select) {
			select.addEventListener('change', function () {
				var url = new URL(window.location.href);
				url.searchParams.set('theme', select.value);
				window.location.href = url.toString();
			});
		});
		document.addEventListener('click', function (event) {
			var button = event.target.closest('[data-copy]');
			if (button) {
				copy(button);
			}
		});
		document.addEventListener('submit', function (event) {
			var form = event.target;
			if (form.hasAttribute('data-confirm') && !window.confirm(form.getAttribute('data-confirm'))) {
				event.preventDefault();
			}
		});
		document.querySelectorAll('form[data-autosubmit] select').forEach(function (select) {
			select.addEventListener('change', function () { select.form.requestSubmit(); });
		});
		document.body.addEventListener('htmx:beforeSwap', function (event) {
			if (event.detail.target) {
				destroyCharts(event.detail.target);
			}
		});
		document.body.addEventListener('htmx:afterSettle', function () { drawCharts(document); });
	});
}());
