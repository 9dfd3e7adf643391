-- Sign-in (issue 8): users with roles, sessions and API tokens. Passwords are argon2 hashes;
-- session and API tokens are kept only as their SHA-256 (a token is shown once, when made).
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL CHECK (name <> ''),
    role TEXT NOT NULL CHECK (role IN ('account_manager', 'sales_director', 'sales_ops', 'admin')),
    rep_id TEXT REFERENCES reps(id),
    team TEXT,
    password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2%'),
    active BIGINT NOT NULL CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    CHECK (role <> 'account_manager' OR rep_id IS NOT NULL)
);

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL CHECK (name <> ''),
    token_sha256 TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
