#include "ptcoach/storage/database.h"

#include <cstdio>
#include <ctime>
#include <iterator>
#include <random>
#include <thread>

#include "backend.h"

namespace ptcoach::storage {

namespace {

// Each entry moves the schema from version i to i+1. Never edit a shipped migration: add one.
// Written in SQLite's dialect; the PostgreSQL backend translates the column types.
const char* const kMigrations[] = {
        // 1: profiles and settings
        R"sql(
        CREATE TABLE profiles (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('patient', 'therapist')),
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        )sql",
        // 2: recovery history. Times are ISO 8601 UTC text ("2026-11-21T09:30:00Z").
        R"sql(
        CREATE TABLE episodes (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            onset_at TEXT NOT NULL,
            location TEXT NOT NULL DEFAULT '',       -- where it hurts
            trigger TEXT NOT NULL DEFAULT '',        -- what set it off
            pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
            spasm_severity TEXT CHECK (spasm_severity IN ('0', '1', '1+', '2', '3', '4')),  -- Modified Ashworth
            strain_grade INTEGER CHECK (strain_grade BETWEEN 1 AND 3),
            ice_hours INTEGER NOT NULL DEFAULT 48 CHECK (ice_hours BETWEEN 24 AND 72),
            blocked INTEGER NOT NULL DEFAULT 0,      -- 1: a red flag stopped exercise
            cleared_at TEXT,                         -- a therapist cleared the red flag
            cleared_by INTEGER REFERENCES profiles(id),
            cleared_note TEXT,
            ended_at TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE INDEX episodes_profile ON episodes(profile_id, onset_at);
        CREATE TABLE red_flag_screens (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            episode_id INTEGER REFERENCES episodes(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('full', 'short')),
            answers TEXT NOT NULL,                   -- JSON object: question id -> true/false
            any_yes INTEGER NOT NULL CHECK (any_yes IN (0, 1))
        );
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            pain INTEGER CHECK (pain BETWEEN 0 AND 10),
            stiffness INTEGER CHECK (stiffness BETWEEN 0 AND 10),
            medication TEXT NOT NULL DEFAULT '',     -- free text, as the person wrote it
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            program_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
            with_camera INTEGER NOT NULL DEFAULT 1 CHECK (with_camera IN (0, 1)),
            stars INTEGER CHECK (stars BETWEEN 0 AND 3),
            completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1))
        );
        CREATE INDEX sessions_profile ON sessions(profile_id, started_at);
        CREATE TABLE exercise_results (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            exercise_id TEXT NOT NULL,
            side TEXT NOT NULL DEFAULT 'both',
            sets_done INTEGER NOT NULL DEFAULT 0,
            reps_done INTEGER NOT NULL DEFAULT 0,
            reps_planned INTEGER NOT NULL DEFAULT 0,
            hold_s REAL NOT NULL DEFAULT 0,
            hold_planned_s REAL NOT NULL DEFAULT 0,
            rom REAL,                                -- mean range of motion of the reps (degrees or the measure's unit)
            quality REAL,                            -- mean rep quality 0-100
            faults TEXT NOT NULL DEFAULT '[]'        -- JSON array of {"code": ..., "count": n}
        );
        CREATE TABLE thermal_applications (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
            kind TEXT NOT NULL CHECK (kind IN ('ice', 'heat')),
            started_at TEXT NOT NULL,
            planned_s INTEGER NOT NULL CHECK (planned_s BETWEEN 60 AND 1200),  -- never over 20 minutes
            ended_at TEXT                            -- NULL while running
        );
        CREATE TABLE hydration (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            ml INTEGER NOT NULL CHECK (ml > 0 AND ml <= 5000)
        );
        )sql",
        // 3: sign-in and roles (PINs as libsodium crypto_pwhash_str hashes, lock-out after wrong
        // PINs), a therapist's patients, programs built in the app, and program assignments.
        R"sql(
        ALTER TABLE profiles ADD COLUMN pin_hash TEXT;              -- NULL: no PIN set
        ALTER TABLE profiles ADD COLUMN sign_in_code TEXT;          -- typed at a kiosk; unique when set
        ALTER TABLE profiles ADD COLUMN therapist_id INTEGER REFERENCES profiles(id);
        ALTER TABLE profiles ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE profiles ADD COLUMN locked_until TEXT;          -- wrong PINs lock sign-in until then
        ALTER TABLE profiles ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
        CREATE UNIQUE INDEX profiles_sign_in_code ON profiles(sign_in_code);
        CREATE INDEX profiles_therapist ON profiles(therapist_id);
        CREATE TABLE programs (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            definition TEXT NOT NULL,                -- the program file's JSON
            author_id INTEGER REFERENCES profiles(id),
            updated_at TEXT NOT NULL
        );
        CREATE TABLE assignments (
            id INTEGER PRIMARY KEY,
            patient_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            therapist_id INTEGER REFERENCES profiles(id),
            program_id TEXT NOT NULL,
            definition TEXT NOT NULL,                -- the program's JSON as assigned
            start_date TEXT NOT NULL,                -- local calendar date, YYYY-MM-DD
            notes TEXT NOT NULL DEFAULT '',
            assigned_at TEXT NOT NULL,
            ended_at TEXT                            -- replaced or withdrawn
        );
        CREATE INDEX assignments_patient ON assignments(patient_id, assigned_at);
        )sql",
        // 4: red-flag alerts: one per "yes", open until a therapist clears it with a note or the
        // person records that a clinician saw them and cleared them to exercise (the episode no
        // longer decides). Red flags of earlier versions (blocked, uncleared episodes) become
        // alerts of their screen. Kiosk-exit PIN tries are counted apart from sign-in. A session's
        // exercise results keep their place in the plan, so each set can be saved as it is done.
        R"sql(
        CREATE TABLE red_flag_alerts (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            screen_id INTEGER REFERENCES red_flag_screens(id) ON DELETE SET NULL,
            episode_id INTEGER REFERENCES episodes(id) ON DELETE SET NULL,
            question_id TEXT NOT NULL,               -- ptcoach/safety/red_flags.h ids; 'earlier' from schema 3
            tier TEXT NOT NULL CHECK (tier IN ('emergency', 'clinician', 'advice')),
            answered_at TEXT NOT NULL,
            resolved_at TEXT,                        -- NULL while open
            resolved_by INTEGER REFERENCES profiles(id),
            resolution TEXT CHECK (resolution IN ('therapist', 'clinician_visit')),
            resolution_note TEXT NOT NULL DEFAULT '',
            clinician TEXT NOT NULL DEFAULT '',      -- clinician_visit: who saw the person (optional)
            seen_on TEXT                             -- clinician_visit: the day they were seen, YYYY-MM-DD
        );
        CREATE INDEX red_flag_alerts_profile ON red_flag_alerts(profile_id, resolved_at);
        INSERT INTO red_flag_alerts(profile_id, screen_id, episode_id, question_id, tier, answered_at)
            SELECT s.profile_id, s.id, s.episode_id, 'earlier', 'clinician', s.taken_at
            FROM red_flag_screens s JOIN episodes e ON e.id = s.episode_id
            WHERE s.any_yes = 1 AND e.blocked = 1 AND e.cleared_at IS NULL;
        ALTER TABLE profiles ADD COLUMN exit_failed_pins INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE profiles ADD COLUMN exit_locked_until TEXT;
        ALTER TABLE exercise_results ADD COLUMN position INTEGER;
        )sql",
        // 5: progression: points earned (one row per reward, with the local day it counts for),
        // badges, game scores, and pain-guided dose changes (offered, accepted or declined).
        R"sql(
        CREATE TABLE progress_points (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            earned_at TEXT NOT NULL,
            day TEXT NOT NULL,                       -- local calendar date, YYYY-MM-DD
            exercise_id TEXT NOT NULL DEFAULT '',    -- '' for a session line
            kind TEXT NOT NULL,                      -- good_reps, reps, hold, session, safe_stop; pain_stop, red_flag_stop (0 points)
            amount INTEGER NOT NULL DEFAULT 0,       -- reps or seconds rewarded
            points INTEGER NOT NULL CHECK (points >= 0),
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX progress_points_profile ON progress_points(profile_id, day);
        CREATE TABLE badges (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            badge_id TEXT NOT NULL,
            earned_at TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            UNIQUE (profile_id, badge_id)
        );
        CREATE TABLE game_scores (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
            game_id TEXT NOT NULL,
            exercise_id TEXT NOT NULL,
            played_at TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score >= 0),
            reps INTEGER NOT NULL DEFAULT 0,
            reps_planned INTEGER NOT NULL DEFAULT 0,
            good INTEGER NOT NULL DEFAULT 0,
            held_s REAL NOT NULL DEFAULT 0,
            held_planned_s REAL NOT NULL DEFAULT 0,
            reach_target REAL,                       -- reach game: the star, share of the full range
            best_progress REAL,                      -- reach game: the furthest rep, share of the full range
            faults TEXT NOT NULL DEFAULT '[]'        -- JSON array of {"code": ..., "count": n}
        );
        CREATE INDEX game_scores_profile ON game_scores(profile_id, game_id, exercise_id);
        CREATE TABLE dose_changes (
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
            decided_at TEXT NOT NULL,
            kind TEXT NOT NULL,                      -- lighter, step_up, ready_for_more, see_therapist
            from_level INTEGER NOT NULL CHECK (from_level BETWEEN -3 AND 0),
            to_level INTEGER NOT NULL CHECK (to_level BETWEEN -3 AND 0),
            reason TEXT NOT NULL,                    -- pain_rise, stopped_for_pain, easy_twice
            detail TEXT NOT NULL DEFAULT '',         -- what the person read
            accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
            session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL  -- the newest session it was based on
        );
        CREATE INDEX dose_changes_profile ON dose_changes(profile_id, decided_at);
        )sql",
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Time text

std::string formatUtc(TimePoint t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<TimePoint> parseUtc(const std::string& text) {
    int y, mo, d, h, mi, s;
    char sep = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s) != 7) return std::nullopt;
    if (sep != 'T' && sep != ' ') return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    std::time_t tt = timegm(&tm);
    return std::chrono::system_clock::from_time_t(tt);
}

// ---------------------------------------------------------------------------------------------
// Statement: forwards to the backend's implementation.

Statement::Statement(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Statement::~Statement() = default;
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;

bool Statement::ok() const { return m_impl->ok(); }
const std::string& Statement::prepareError() const { return m_impl->prepareError(); }
Statement& Statement::bind(std::int64_t v) { m_impl->bindInt(v); return *this; }
Statement& Statement::bind(int v) { m_impl->bindInt(v); return *this; }
Statement& Statement::bind(bool v) { m_impl->bindInt(v ? 1 : 0); return *this; }
Statement& Statement::bind(double v) { m_impl->bindReal(v); return *this; }
Statement& Statement::bind(const std::string& v) { m_impl->bindText(v); return *this; }
Statement& Statement::bind(const char* v) { m_impl->bindText(v); return *this; }
Statement& Statement::bind(TimePoint t) { m_impl->bindText(formatUtc(t)); return *this; }
Statement& Statement::bindNull() { m_impl->bindNull(); return *this; }
Statement::Step Statement::step() { return m_impl->step(); }
std::string Statement::error() const { return m_impl->error(); }
int Statement::columnCount() const { return m_impl->columnCount(); }
std::string Statement::columnName(int c) const { return m_impl->columnName(c); }
bool Statement::isNull(int c) const { return m_impl->isNull(c); }
std::int64_t Statement::i64(int c) const { return m_impl->i64(c); }
int Statement::i32(int c) const { return static_cast<int>(m_impl->i64(c)); }
double Statement::real(int c) const { return m_impl->real(c); }
std::string Statement::text(int c) const { return m_impl->text(c); }
TimePoint Statement::time(int c) const {
    std::string t = text(c);
    if (auto p = parseUtc(t)) return *p;
    if (m_readError.empty())
        m_readError = "column " + columnName(c) + " holds '" + t.substr(0, 40) + "', not a time (YYYY-MM-DDTHH:MM:SSZ)";
    return TimePoint{};
}

// ---------------------------------------------------------------------------------------------
// Database

int Database::latestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

const char* Database::migrationText(int index) {
    if (index < 0 || index >= latestSchemaVersion()) return "";
    return kMigrations[index];
}

Database::~Database() = default;

Expected<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file) { return openSqlite(file); }

Expected<std::unique_ptr<Database>> Database::connect(const std::string& connection) {
    auto startsWith = [&](const char* p) { return connection.rfind(p, 0) == 0; };
    if (startsWith("postgresql://") || startsWith("postgres://") || connection.find("dbname=") != std::string::npos ||
        connection.find("host=") != std::string::npos)
        return openPostgres(connection);
    if (startsWith("sqlite:")) return openSqlite(connection.substr(7));
    if (connection.empty()) return makeError("empty database connection setting");
    return openSqlite(connection);
}

Status Database::checkSchemaVersion(int version) {
    if (version < 0)
        return makeError("is corrupt (its schema version is " + std::to_string(version) +
                         ", below 0); it was left untouched");
    if (version > latestSchemaVersion())
        return makeError("was written by a newer PT Coach (schema version " + std::to_string(version) +
                         ", this build knows up to " + std::to_string(latestSchemaVersion()) +
                         "); it was left untouched");
    return {};
}

int Database::schemaVersion() const {
    auto v = readSchemaVersion();
    return v ? *v : -1;
}

Status Database::transaction(const std::function<Status()>& body) {
    if (m_depth > 0) {
        // Inside a transaction already: part of it.
        return body();
    }
    if (!readOnlyReason().empty()) return makeError("cannot save: " + readOnlyReason());
    // A retried body starts again from scratch; a short random pause lets the other writer finish.
    constexpr int kAttempts = 12;
    std::minstd_rand jitter(static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
    for (int attempt = 1;; ++attempt) {
        if (Status s = begin(); !s) return makeError("cannot start a transaction: " + s.message());
        ++m_depth;
        Status s = body();
        --m_depth;
        if (s) {
            Status c = commit();
            if (c) return {};
            s = makeError("cannot save (commit failed: " + c.message() + ")");
        }
        bool again = retryable() && attempt < kAttempts;
        if (Status r = rollback(); !r) {
            // The connection is in an unknown state: no retry, and the error says so.
            return makeError(s.message() + " (and rolling back failed: " + r.message() + ")");
        }
        if (!again) return s;
        std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % (4 * attempt)));
    }
}

Status Database::migrate() {
    // The lock is taken outside the transaction: a transaction's snapshot begins with its first
    // statement, and a waiting opener must see what the one before it committed.
    if (Status l = lockForMigration(); !l) return l;
    Status s = transaction([&]() -> Status {
        auto from = readSchemaVersion();
        if (!from) return makeError(from.error().message);
        if (Status known = checkSchemaVersion(*from); !known) return known;
        for (int v = *from; v < latestSchemaVersion(); ++v) {
            if (Status e = exec(migrationSql(v)); !e)
                return makeError("migration to schema version " + std::to_string(v + 1) + " failed: " + e.message());
            if (Status w = writeSchemaVersion(v + 1); !w) return w;
        }
        return {};
    });
    Status unlocked = unlockAfterMigration();
    if (!s) return s;
    return unlocked;
}

Expected<std::optional<std::string>> Database::setting(const std::string& key) const {
    Statement st = prepare("SELECT value FROM settings WHERE key = ?");
    if (!st.ok()) return makeError("cannot read setting '" + key + "' from the " + describe() + ": " + st.prepareError());
    st.bind(key);
    switch (st.step()) {
        case Statement::Step::Row: return std::optional<std::string>(st.text(0));
        case Statement::Step::Done: return std::optional<std::string>();
        default: return makeError("cannot read setting '" + key + "' from the " + describe() + ": " + st.error());
    }
}

Status Database::setSetting(const std::string& key, const std::string& value) {
    return transaction([&]() -> Status {
        Statement st = prepare("INSERT INTO settings(key, value) VALUES(?, ?) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (!st.ok()) return makeError("cannot save setting '" + key + "': " + st.prepareError());
        st.bind(key).bind(value);
        if (st.step() != Statement::Step::Done) return makeError("cannot save setting '" + key + "': " + st.error());
        return {};
    });
}

}  // namespace ptcoach::storage
