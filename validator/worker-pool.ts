/**
 * A fixed set of worker threads that each take one job at a time: jobs wait in a
 * queue until a worker is idle, and each answer settles the job its worker was
 * given. The validator's proof pool (verify-pool.ts) and `urna verify`'s station
 * pool (cli/record/station-pool.ts) are both this pool with their own jobs.
 *
 * A worker is referenced only while it has a job (and, for workers that announce
 * themselves, while it loads, so a caller awaiting ready() keeps the process alive):
 * an idle pool never holds a process open. A worker that crashes disables the pool:
 * its job, every queued job and every later one are refused with its error.
 */
import { Worker } from 'node:worker_threads';

export type WorkerPoolOptions = {
  /** The worker's entry module. */
  readonly script: URL;
  readonly workerData: unknown;
  readonly threads: number;
  /** Whether each worker posts one message of its own once loaded, before any answer (what ready() waits for). */
  readonly announcesReady: boolean;
  /**
   * Jobs a worker is given before it has answered the first (default 1): more keep
   * it busy while the thread that feeds it is busy itself; a worker answers its jobs
   * in the order it was given them.
   */
  readonly perWorker?: number;
};

type Pending<Answer> = { resolve(answer: Answer): void; reject(error: Error): void };

export class WorkerPool<Job, Answer> {
  readonly threads: number;
  readonly #options: WorkerPoolOptions;
  #workers: Worker[] | undefined;
  readonly #perWorker: number;
  readonly #queue: { job: Job; pending: Pending<Answer> }[] = [];
  /** Each worker's jobs given and not yet answered, oldest first. */
  readonly #inFlight = new Map<Worker, Pending<Answer>[]>();
  #ready: Promise<void> = Promise.resolve();
  #failed: Error | undefined;

  /** No worker starts here: start() (or the first job, or ready()) starts them. */
  constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.threads = Math.max(1, options.threads);
    this.#perWorker = Math.max(1, options.perWorker ?? 1);
  }

  /** Starts the workers, once. */
  start(): void {
    if (this.#workers !== undefined) return;
    const loaded: Promise<void>[] = [];
    this.#workers = Array.from({ length: this.threads }, () => {
      const worker = new Worker(this.#options.script, { workerData: this.#options.workerData });
      worker.on('error', (error) => this.#fail(worker, error));
      const listen = (): void => {
        if ((this.#inFlight.get(worker)?.length ?? 0) === 0) worker.unref();
        worker.on('message', (answer: Answer) => this.#done(worker, answer));
      };
      if (!this.#options.announcesReady) listen();
      else {
        loaded.push(
          new Promise<void>((resolve) => {
            worker.once('message', () => {
              listen();
              resolve();
            });
            worker.once('error', () => resolve());
          }),
        );
      }
      return worker;
    });
    this.#ready = Promise.all(loaded).then(() => undefined);
    for (const worker of this.#workers) this.#inFlight.set(worker, []);
  }

  /** Starts the workers if needed; resolves once each has announced itself (or failed). */
  ready(): Promise<void> {
    this.start();
    return this.#ready;
  }

  /** Whether the pool can still be used (a worker that crashed, or close(), disables it). */
  get healthy(): boolean {
    return this.#failed === undefined;
  }

  /** The answer of the worker that takes `job`, starting the workers if needed. */
  submit(job: Job): Promise<Answer> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    this.start();
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, pending: { resolve, reject } });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      // The least loaded worker with room for another job.
      let worker: Worker | undefined;
      let load = this.#perWorker;
      for (const [w, jobs] of this.#inFlight) {
        if (jobs.length < load) {
          worker = w;
          load = jobs.length;
        }
      }
      if (worker === undefined) return;
      const next = this.#queue.shift() as { job: Job; pending: Pending<Answer> };
      this.#inFlight.get(worker)?.push(next.pending);
      worker.ref();
      worker.postMessage(next.job);
    }
  }

  #done(worker: Worker, answer: Answer): void {
    const jobs = this.#inFlight.get(worker);
    const pending = jobs?.shift();
    if (jobs?.length === 0) worker.unref();
    pending?.resolve(answer);
    this.#pump();
  }

  #fail(worker: Worker, error: Error): void {
    this.#failed = error;
    for (const pending of this.#inFlight.get(worker)?.splice(0) ?? []) pending.reject(error);
    this.#rejectQueued(error);
  }

  #rejectQueued(error: Error): void {
    for (const { pending } of this.#queue.splice(0)) pending.reject(error);
  }

  /** Refuses the queued jobs and those given to a worker but not answered, and stops the workers. */
  async close(): Promise<void> {
    this.#failed ??= new Error('the worker pool is closed');
    this.#rejectQueued(this.#failed);
    for (const jobs of this.#inFlight.values()) for (const pending of jobs.splice(0)) pending.reject(this.#failed);
    await Promise.all((this.#workers ?? []).map((w) => w.terminate()));
  }
}
