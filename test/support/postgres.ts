/** The throwaway PostgreSQL cluster of the tests and benchmarks (shared with `urna simulate --validator-store postgres`). */
export {
  findPostgresBin,
  POSTGRES_MISSING,
  startPostgres,
  type ClusterOptions,
  type PostgresCluster,
} from '../../cli/simulate/postgres-cluster';
