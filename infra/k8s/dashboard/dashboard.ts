// The loadgate Grafana dashboard, as code (grafana-foundation-sdk builders):
// the k6 load the runners remote-write, the gateway's latency and errors per
// route, the HPA against its bounds, the order queue, and the SLO verdicts
// the Pushgateway keeps. Queries use the platform's metrics contract only
// (test/k8s/dashboard.test.ts parses each one and checks its metric names).
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  MappingType,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  LegendDisplayMode,
  LegendPlacement,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StateTimeline } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { STATUS_CODE } from '../../../slo/push.ts';

export const DASHBOARD_UID = 'loadgate';

/** Every query goes to the Prometheus picked in the `datasource` variable. */
const prometheus = { type: 'prometheus', uid: '${datasource}' };
const GATEWAY = 'service="api-gateway", namespace="$namespace"';
const HPA = 'namespace="$namespace", horizontalpodautoscaler=~"$hpa"';
/** k6 samples carry the run's `--tag testid=<id>` (loadgate k8s run sets it). */
const RUN = 'testid=~"$testid"';

const query = (expr: string, legend: string, refId = 'A') =>
  new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId).range();

/** The SDK's default legend is hidden: series per route or scenario need their names shown. */
const legend = () =>
  new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom);

const timeseries = (title: string, unit: string) =>
  new TimeSeries()
    .title(title)
    .datasource(prometheus)
    .unit(unit)
    .height(8)
    .span(12)
    .legend(legend());

/** What loadgate_slo_objective_status's codes mean, from the code table itself. */
const STATUS_COLOURS: Record<keyof typeof STATUS_CODE, string> = {
  pass: 'green',
  warn: 'yellow',
  fail: 'red',
  'no-data': 'purple',
  error: 'dark-red',
  skipped: 'text',
};

export function loadgateDashboard(): Dashboard {
  return new DashboardBuilder('loadgate: load tests and SLOs')
    .uid(DASHBOARD_UID)
    .tags(['loadgate', 'k6', 'slo'])
    .description('k6 load from remote write, the gateway, the HPA, the order queue, SLO verdicts')
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .withVariable(
      new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'),
    )
    .withVariable(
      new QueryVariableBuilder('namespace')
        .label('Namespace')
        .datasource(prometheus)
        .query('label_values(http_requests_total{service="api-gateway"}, namespace)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .current({ text: 'e-commerce-prod', value: 'e-commerce-prod' }),
    )
    .withVariable(
      new QueryVariableBuilder('hpa')
        .label('HPA')
        .datasource(prometheus)
        .query(
          'label_values(kube_horizontalpodautoscaler_spec_max_replicas{namespace="$namespace"}, horizontalpodautoscaler)',
        )
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .current({ text: 'api-gateway-hpa', value: 'api-gateway-hpa' }),
    )
    .withVariable(
      new QueryVariableBuilder('testid')
        .label('k6 run')
        .datasource(prometheus)
        .query('label_values(k6_http_reqs_total, testid)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalDesc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withRow(new RowBuilder('k6 load (remote write)'))
    .withPanel(
      timeseries('Request rate per scenario', 'reqps').withTarget(
        query(
          `sum by (scenario) (rate(k6_http_reqs_total{${RUN}}[$__rate_interval]))`,
          '{{scenario}}',
        ),
      ),
    )
    .withPanel(
      // k6's native histogram of http_req_duration (K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM).
      timeseries('p95 request duration per scenario', 's').withTarget(
        query(
          `histogram_quantile(0.95, sum by (scenario) (rate(k6_http_req_duration_seconds{${RUN}}[$__rate_interval])))`,
          '{{scenario}}',
        ),
      ),
    )
    .withRow(new RowBuilder('API gateway'))
    .withPanel(
      timeseries('Gateway p95 latency per route', 's').withTarget(
        query(
          `histogram_quantile(0.95, sum by (route, le) (rate(http_request_duration_seconds_bucket{${GATEWAY}}[$__rate_interval])))`,
          '{{route}}',
        ),
      ),
    )
    .withPanel(
      timeseries('Gateway 5xx ratio per route', 'percentunit').withTarget(
        query(
          `sum by (route) (rate(http_requests_total{${GATEWAY}, status=~"5.."}[$__rate_interval]))` +
            ` / sum by (route) (rate(http_requests_total{${GATEWAY}}[$__rate_interval]))`,
          '{{route}}',
        ),
      ),
    )
    .withRow(new RowBuilder('Autoscaling and queue'))
    .withPanel(
      timeseries('HPA replicas against min/max', 'short')
        .withTarget(
          query(
            `kube_horizontalpodautoscaler_status_current_replicas{${HPA}}`,
            '{{horizontalpodautoscaler}} current',
          ),
        )
        .withTarget(
          query(
            `kube_horizontalpodautoscaler_spec_min_replicas{${HPA}}`,
            '{{horizontalpodautoscaler}} min',
            'B',
          ),
        )
        .withTarget(
          query(
            `kube_horizontalpodautoscaler_spec_max_replicas{${HPA}}`,
            '{{horizontalpodautoscaler}} max',
            'C',
          ),
        )
        .overrideByRegexp('.* (min|max)$', [
          { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
        ]),
    )
    .withPanel(
      // RabbitMQ lives in its own namespace (e-commerce-messaging), not $namespace.
      timeseries('Queue depth (messages ready)', 'short').withTarget(
        query('sum by (queue) (rabbitmq_queue_messages_ready)', '{{queue}}'),
      ),
    )
    .withRow(new RowBuilder('SLO verdicts (Pushgateway)'))
    .withPanel(
      timeseries('SLO score and run verdict per profile', 'percentunit')
        .min(0)
        .max(1)
        .withTarget(query('max by (profile) (loadgate_slo_score)', '{{profile}} score'))
        .withTarget(query('max by (profile) (loadgate_run_verdict)', '{{profile}} verdict', 'B')),
    )
    .withPanel(
      new StateTimeline()
        .title('SLO objective status')
        .datasource(prometheus)
        .height(8)
        .span(12)
        .legend(legend())
        .mappings([
          {
            type: MappingType.ValueToText,
            options: Object.fromEntries(
              Object.entries(STATUS_CODE).map(([status, code]) => [
                String(code),
                {
                  text: status,
                  color: STATUS_COLOURS[status as keyof typeof STATUS_CODE],
                  index: code,
                },
              ]),
            ),
          },
        ])
        .withTarget(
          query(
            'max by (profile, objective) (loadgate_slo_objective_status)',
            '{{profile}} {{objective}}',
          ),
        ),
    )
    .withPanel(
      // One unit per objective (seconds, ratio, count): read it with the objective's name.
      timeseries('SLO measured value per objective', 'short')
        .span(24)
        .withTarget(
          query('max by (profile, objective) (loadgate_slo_value)', '{{profile}} {{objective}}'),
        ),
    )
    .build();
}
