import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQLite database where a sweep records every run: its configuration, status, metrics and loss curve.
///
/// Several processes may share one file: it is in WAL mode, waits up to 10 s for a lock, and a run is
/// claimed by a single `UPDATE … WHERE status = 'pending'`, so two workers never train the same run.
/// Every method is one transaction.
public final class ResultsStore: Sendable {
    /// The database file, or ":memory:".
    public let path: String
    /// Opened with `init(readingOnly:)`: every write fails.
    public let isReadOnly: Bool
    private let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`, creating its directory, and migrates it.
    public convenience init(path: String) throws {
        let files = FileManager.default
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ResultsStoreError(
                path: path, reason: "cannot create its directory \(directory): \(Self.obstacle(to: directory, error))")
        }
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw ResultsStoreError(path: path, reason: "it is a directory, not a file") }
            if !files.isWritableFile(atPath: path) { throw ResultsStoreError(path: path, reason: "it is read-only") }
        }
        // SQLite creates its -wal and -shm files beside the database, even to read it in WAL mode.
        if !files.isWritableFile(atPath: directory) {
            throw ResultsStoreError(path: path, reason: "its directory \(directory) is not writable")
        }
        self.init(path: path, writer: try Self.openMigrated(path), isReadOnly: false)
    }

    /// A pool on the file, in WAL mode and migrated. Two processes opening a new file together race to
    /// switch it to WAL and to migrate it, and SQLite may answer the loser "busy" at once instead of
    /// waiting: the loser retries after a pause, and finds the work done or does the rest.
    private static func openMigrated(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let migrator = Migrations.migrator
        var attempt: UInt32 = 0
        while true {
            attempt += 1
            let pool: DatabasePool
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
            } catch {
                guard attempt < 10, isLockRace(error) else {
                    throw ResultsStoreError(path: path, reason: "cannot open it for writing: \(Self.reason(error))")
                }
                usleep(20_000 * attempt)
                continue
            }
            do {
                try migrator.migrate(pool)
                return pool
            } catch {
                if (try? pool.read(migrator.hasCompletedMigrations)) == true { return pool }
                guard attempt < 10 else {
                    throw ResultsStoreError(path: path, reason: "cannot create its tables: \(Self.reason(error))")
                }
                usleep(20_000 * attempt)
            }
        }
    }

    /// Busy or locked, or WAL mode refused while another connection held the file.
    private static func isLockRace(_ error: Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) || (error.message ?? "").contains("WAL Mode")
    }

    /// Opens an existing database to read only (reports): the file stays byte for byte as it was, which
    /// a pool in WAL mode would not guarantee (GRDB writes to it to create the -wal file).
    public convenience init(readingOnly path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw ResultsStoreError(path: path, reason: "cannot open it to read: \(Self.reason(error))")
        }
        // An older database reads as it is: it stays byte for byte, and what it lacks reads as empty.
        guard (try? queue.read(Migrations.migrator.appliedIdentifiers))?.contains(Migrations.first) == true else {
            throw ResultsStoreError(path: path, reason: "it is not a results database of this version (run a sweep to create or upgrade it)")
        }
        self.init(path: path, writer: queue, isReadOnly: true)
    }

    /// A private in-memory database, for tests.
    public static func inMemory() throws -> ResultsStore {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        return ResultsStore(path: ":memory:", writer: queue, isReadOnly: false)
    }

    private init(path: String, writer: any DatabaseWriter, isReadOnly: Bool) {
        self.path = path
        self.isReadOnly = isReadOnly
        self.writer = writer
    }

    // MARK: - Registering

    /// Records an experiment and its runs: upserts the experiment, inserts the runs it does not hold yet as
    /// pending, and makes the experiment's run list exactly `runs`, in that order.
    ///
    /// Existing runs are left untouched (a done run stays done), so registering a file again is harmless;
    /// runs dropped from the grid lose their link to this experiment but keep their results.
    public func register(
        experiment: ExperimentRecord,
        runs: [(id: String, knobs: RunKnobs, configurationJSON: String, axisValuesJSON: String)]
    ) throws {
        if try isRegistered(experiment: experiment, runs: runs.map { ($0.id, $0.axisValuesJSON) }) { return }
        let axesJSON = try Self.json(experiment.axes)
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO experiments
                        (name, purpose, source_path, source_text, metric, higher_is_better, axes_json, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET
                        purpose = excluded.purpose, source_path = excluded.source_path,
                        source_text = excluded.source_text, metric = excluded.metric,
                        higher_is_better = excluded.higher_is_better, axes_json = excluded.axes_json,
                        updated_at = excluded.updated_at
                    """,
                arguments: [
                    experiment.name, experiment.purpose, experiment.sourcePath, experiment.sourceText,
                    experiment.metric, experiment.higherIsBetter, axesJSON, experiment.updatedAt ?? Date(),
                ])
            try db.execute(sql: "DELETE FROM experiment_runs WHERE experiment = ?", arguments: [experiment.name])
            for (sequence, run) in runs.enumerated() {
                let k = run.knobs
                try db.execute(
                    sql: """
                        INSERT INTO runs (id, status, configuration_json, rank, alpha, scale, targets,
                                          quantization, optimizer, lr, schedule, passes, seed)
                        VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO NOTHING
                        """,
                    arguments: [
                        run.id, run.configurationJSON, k.rank, k.alpha, k.scale, k.targets.joined(separator: ","),
                        k.quantization, k.optimizer, k.lr, k.schedule, k.passes, k.seed,
                    ])
                try db.execute(
                    sql: """
                        INSERT INTO experiment_runs (experiment, run_id, sequence, axis_values_json)
                        VALUES (?, ?, ?, ?)
                        ON CONFLICT (experiment, run_id) DO NOTHING
                        """,
                    arguments: [experiment.name, run.id, sequence, run.axisValuesJSON])
            }
        }
    }

    // MARK: - Claiming

    /// Moves the experiment's first pending run (in registration order) to running for `worker`, or
    /// returns nil when none is pending. Atomic across processes.
    public func claimNextPending(experiment: String, worker: String) throws -> RunRecord? {
        try write { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE runs SET status = 'running', worker = ?, claimed_at = ?
                    WHERE status = 'pending' AND id = (
                        SELECT r.id FROM experiment_runs er JOIN runs r ON r.id = er.run_id
                        WHERE er.experiment = ? AND r.status = 'pending'
                        ORDER BY er.sequence LIMIT 1)
                    RETURNING *
                    """,
                arguments: [worker, Date(), experiment])
            return row.map(Self.runRecord)
        }
    }

    /// Moves one pending run to running for `worker`; false when it is not pending (or not there).
    public func claim(runID: String, worker: String) throws -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET status = 'running', worker = ?, claimed_at = ? WHERE id = ? AND status = 'pending'",
                arguments: [worker, Date(), runID])
            return db.changesCount == 1
        }
    }

    // MARK: - Finishing

    /// Writes a run's metrics, loss curve and provenance and marks it done, all or nothing.
    /// Metrics and curve points it held before are replaced. `adapterKept`: the run's adapter is in
    /// `keptAdapterDirectory(runID:)`, and the database says so.
    public func finish(
        runID: String, metrics: [Metric], curve: [CurvePoint], trainableParameters: Int,
        codeVersion: String, machine: MachineFingerprint, adapterKept: Bool = false
    ) throws {
        try write { db in
            try requireRun(runID, db)
            try replaceResults(of: runID, metrics: metrics, curve: curve, db)
            if adapterKept {
                try db.execute(sql: "INSERT OR REPLACE INTO adapters (run_id, path) VALUES (?, ?)",
                               arguments: [runID, Self.keptAdapterPath(runID)])
            }
            try db.execute(
                sql: """
                    UPDATE runs SET status = 'done', trainable_parameters = ?, code_version = ?,
                        cpu = ?, blas = ?, threads = ?, finished_at = ?, error = NULL, failed_step = NULL
                    WHERE id = ?
                    """,
                arguments: [
                    trainableParameters, codeVersion, machine.cpu, machine.blas, machine.threads, Date(), runID,
                ])
        }
    }

    /// Where a run's adapter is kept, relative to the database's directory: adapters/<run id>.
    static func keptAdapterPath(_ runID: String) -> String { "adapters/\(runID)" }

    /// The directory a run's adapter goes to, beside the database; nil for an in-memory database.
    public func keptAdapterDirectory(runID: String) -> URL? {
        path == ":memory:" ? nil : directory.appendingPathComponent(Self.keptAdapterPath(runID))
    }

    /// The directory of the run's kept adapter, as the database records it; nil when none was kept
    /// (runs of databases older than kept adapters, failed runs).
    public func adapterDirectory(runID: String) throws -> URL? {
        let relative = try read { db -> String? in
            guard try db.tableExists("adapters") else { return nil }
            return try String.fetchOne(db, sql: "SELECT path FROM adapters WHERE run_id = ?", arguments: [runID])
        }
        return relative.map { URL(fileURLWithPath: $0, relativeTo: directory).standardizedFileURL }
    }

    /// The directory the database file is in: kept adapters live under it, in adapters/<run id>.
    public var directory: URL { URL(fileURLWithPath: path).deletingLastPathComponent() }

    /// Marks a run failed with its error, the step it failed at (nil: before training) and the curve so far.
    public func fail(runID: String, error: String, step: Int?, curve: [CurvePoint]) throws {
        try write { db in
            try requireRun(runID, db)
            try replaceResults(of: runID, metrics: [], curve: curve, db)
            try db.execute(
                sql: "UPDATE runs SET status = 'failed', error = ?, failed_step = ?, finished_at = ? WHERE id = ?",
                arguments: [error, step, Date(), runID])
        }
    }

    // MARK: - Resuming

    /// Returns to pending the running runs whose worker (`host:pid`) `workerIsDead` says is gone;
    /// returns their ids. See `localWorkerIsDead` for a check of processes on this host.
    @discardableResult
    public func releaseRunning(where workerIsDead: (String) -> Bool) throws -> [String] {
        try write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, worker FROM runs WHERE status = 'running' ORDER BY id")
            let ids: [String] = rows.compactMap { row in
                workerIsDead(row["worker"] ?? "") ? row["id"] : nil
            }
            try makePending(ids, db)
            return ids
        }
    }

    /// Returns runs to pending whatever their state, forgetting their results; returns how many there were.
    @discardableResult
    public func reset(runIDs: [String]) throws -> Int {
        try write { db in
            let ids = try runIDs.filter { try Self.exists($0, db) }
            try makePending(ids, db)
            return ids.count
        }
    }

    /// Whether registering would change nothing: the experiment is stored as given (its time aside),
    /// linked to exactly these runs in this order with these axis values, and every run exists.
    public func isRegistered(experiment: ExperimentRecord, runs: [(id: String, axisValuesJSON: String)]) throws -> Bool {
        let axesJSON = try Self.json(experiment.axes)
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM experiments WHERE name = ?", arguments: [experiment.name]),
                row["purpose"] == experiment.purpose, row["source_path"] == experiment.sourcePath,
                row["source_text"] == experiment.sourceText, row["metric"] == experiment.metric,
                row["higher_is_better"] == experiment.higherIsBetter, row["axes_json"] == axesJSON
            else { return false }
            let linked = try Row.fetchAll(
                db,
                sql: """
                    SELECT er.run_id, er.axis_values_json FROM experiment_runs er JOIN runs r ON r.id = er.run_id
                    WHERE er.experiment = ? ORDER BY er.sequence
                    """,
                arguments: [experiment.name])
            return linked.count == runs.count
                && zip(linked, runs).allSatisfy { row, run in row["run_id"] == run.id && row["axis_values_json"] == run.axisValuesJSON }
        }
    }

    // MARK: - Queries

    public func experiment(named name: String) throws -> ExperimentRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM experiments WHERE name = ?", arguments: [name])
                .map(Self.experimentRecord)
        }
    }

    /// All experiments, by name.
    public func experiments() throws -> [ExperimentRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM experiments ORDER BY name").map(Self.experimentRecord)
        }
    }

    public func run(id: String) throws -> RunRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.runRecord)
        }
    }

    /// The experiment's runs in the order they were registered.
    public func runs(experiment: String) throws -> [RunRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.* FROM experiment_runs er JOIN runs r ON r.id = er.run_id
                    WHERE er.experiment = ? ORDER BY er.sequence
                    """,
                arguments: [experiment]
            ).map(Self.runRecord)
        }
    }

    public func statusCounts(experiment: String) throws -> StatusCounts {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.status, count(*) AS count FROM experiment_runs er JOIN runs r ON r.id = er.run_id
                    WHERE er.experiment = ? GROUP BY r.status
                    """,
                arguments: [experiment])
            var counts = StatusCounts()
            for row in rows {
                let count: Int = row["count"]
                switch RunStatus(rawValue: row["status"]) {
                case .pending: counts.pending = count
                case .running: counts.running = count
                case .done: counts.done = count
                case .failed: counts.failed = count
                case nil: break
                }
            }
            return counts
        }
    }

    /// A run's metrics, by name.
    public func metrics(runID: String) throws -> [Metric] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM metrics WHERE run_id = ? ORDER BY name", arguments: [runID])
                .map { Metric(name: $0["name"], value: $0["value"] ?? .nan, stderr: $0["stderr"], n: $0["n"]) }
        }
    }

    /// A run's loss curve, by step.
    public func curve(runID: String) throws -> [CurvePoint] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM curves WHERE run_id = ? ORDER BY step", arguments: [runID])
                .map { CurvePoint(step: $0["step"], loss: $0["loss"] ?? .nan, lr: $0["lr"]) }
        }
    }

    /// The run's position in the experiment's grid, e.g. ["rank": "8", "targets": "q,v"]; empty when the
    /// run is not in the experiment. JSON numbers and booleans come back as their text.
    public func axisValues(experiment: String, runID: String) throws -> [String: String] {
        let json = try read { db in
            try String.fetchOne(
                db, sql: "SELECT axis_values_json FROM experiment_runs WHERE experiment = ? AND run_id = ?",
                arguments: [experiment, runID])
        }
        guard let json else { return [:] }
        do {
            return try JSONDecoder().decode([String: AxisValue].self, from: Data(json.utf8)).mapValues(\.text)
        } catch {
            throw ResultsStoreError(
                path: path, reason: "run \(runID) of \(experiment) has axis values that are not a flat JSON object: \(json)")
        }
    }

    // MARK: - Workers

    /// `host:pid` of this process, the worker name to claim runs with.
    public static var currentWorker: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// True when `worker` is a `host:pid` on this host whose process no longer exists; false for other
    /// hosts, whose processes cannot be checked from here.
    public static func localWorkerIsDead(_ worker: String) -> Bool {
        guard let colon = worker.lastIndex(of: ":"), let pid = Int32(worker[worker.index(after: colon)...]),
            worker[..<colon] == ProcessInfo.processInfo.hostName
        else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    // MARK: - Internals

    /// Test hook: the first column of every row of `sql`, as text.
    func strings(_ sql: String) throws -> [String] {
        try read { db in try String.fetchAll(db, sql: sql) }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.write(body)
        } catch let error as ResultsStoreError {
            throw error
        } catch {
            throw ResultsStoreError(path: path, reason: Self.reason(error))
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch let error as ResultsStoreError {
            throw error
        } catch {
            throw ResultsStoreError(path: path, reason: Self.reason(error))
        }
    }

    private func requireRun(_ runID: String, _ db: Database) throws {
        guard try Self.exists(runID, db) else {
            throw ResultsStoreError(path: path, reason: "no run with id \(runID)")
        }
    }

    private static func exists(_ runID: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)", arguments: [runID]) ?? false
    }

    private func replaceResults(of runID: String, metrics: [Metric], curve: [CurvePoint], _ db: Database) throws {
        try db.execute(sql: "DELETE FROM metrics WHERE run_id = ?", arguments: [runID])
        try db.execute(sql: "DELETE FROM curves WHERE run_id = ?", arguments: [runID])
        for metric in metrics {
            try db.execute(
                sql: "INSERT INTO metrics (run_id, name, value, stderr, n) VALUES (?, ?, ?, ?, ?)",
                arguments: [runID, metric.name, metric.value.isNaN ? nil : metric.value, metric.stderr, metric.n])
        }
        for point in curve {
            try db.execute(
                sql: "INSERT INTO curves (run_id, step, loss, lr) VALUES (?, ?, ?, ?)",
                arguments: [runID, point.step, point.loss.isNaN ? nil : point.loss, point.lr])
        }
    }

    /// Back to pending, with no worker, provenance or results.
    private func makePending(_ ids: [String], _ db: Database) throws {
        for id in ids {
            try db.execute(
                sql: """
                    UPDATE runs SET status = 'pending', worker = NULL, claimed_at = NULL, finished_at = NULL,
                        error = NULL, failed_step = NULL, trainable_parameters = NULL, code_version = NULL,
                        cpu = NULL, blas = NULL, threads = NULL
                    WHERE id = ?
                    """,
                arguments: [id])
            try db.execute(sql: "DELETE FROM metrics WHERE run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM curves WHERE run_id = ?", arguments: [id])
        }
    }

    private static func runRecord(_ row: Row) -> RunRecord {
        let targets: String = row["targets"]
        var machine: MachineFingerprint?
        if let cpu: String = row["cpu"], let blas: String = row["blas"], let threads: Int = row["threads"] {
            machine = MachineFingerprint(cpu: cpu, blas: blas, threads: threads)
        }
        return RunRecord(
            id: row["id"],
            status: RunStatus(rawValue: row["status"]) ?? .pending,
            configurationJSON: row["configuration_json"],
            knobs: RunKnobs(
                rank: row["rank"], alpha: row["alpha"], scale: row["scale"],
                targets: targets.isEmpty ? [] : targets.split(separator: ",").map(String.init),
                quantization: row["quantization"], optimizer: row["optimizer"], lr: row["lr"],
                schedule: row["schedule"], passes: row["passes"], seed: row["seed"]),
            trainableParameters: row["trainable_parameters"],
            codeVersion: row["code_version"],
            machine: machine,
            worker: row["worker"],
            claimedAt: row["claimed_at"],
            finishedAt: row["finished_at"],
            error: row["error"],
            failedStep: row["failed_step"])
    }

    private static func experimentRecord(_ row: Row) -> ExperimentRecord {
        let axesJSON: String = row["axes_json"]
        return ExperimentRecord(
            name: row["name"], purpose: row["purpose"], sourcePath: row["source_path"],
            sourceText: row["source_text"], metric: row["metric"], higherIsBetter: row["higher_is_better"],
            axes: (try? JSONDecoder().decode([String].self, from: Data(axesJSON.utf8))) ?? [],
            updatedAt: row["updated_at"])
    }

    private static func json(_ strings: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(strings), as: UTF8.self)
    }

    /// Why a directory cannot be created: Foundation on Linux says only "error 512".
    private static func obstacle(to directory: String, _ error: any Error) -> String {
        var ancestor = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        while ancestor.path != "/" && !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
            ancestor.deleteLastPathComponent()
        }
        if ancestor.path != "/" && !isDirectory.boolValue { return "\(ancestor.path) is a file, not a directory" }
        if !FileManager.default.isWritableFile(atPath: ancestor.path) { return "\(ancestor.path) is not writable" }
        return reason(error)
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error)"
        }
        return (error as NSError).localizedDescription
    }
}

/// One value of an axis, as written in the axis-values JSON: text, number or boolean.
private struct AxisValue: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let bool = try? container.decode(Bool.self) {
            text = String(bool)
        } else if let int = try? container.decode(Int.self) {
            text = String(int)
        } else {
            text = String(try container.decode(Double.self))
        }
    }
}
