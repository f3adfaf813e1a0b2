/** The provisioned datasources (grafana/provisioning/datasources/iotp.yaml): dashboards refer to them by uid. */
export const INFLUX_DS = { type: 'influxdb', uid: 'iotp-influxdb' } as const;
export const PROMETHEUS_DS = { type: 'prometheus', uid: 'iotp-prometheus' } as const;

export type DatasourceRef = typeof INFLUX_DS | typeof PROMETHEUS_DS;
