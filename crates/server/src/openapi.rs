//! The OpenAPI 3.1 document served at `/api/v1/openapi.json`: every route the router serves,
//! with its request and answer shapes. A test (`tests/api.rs`) checks that the document and the
//! router list the same routes, and that the lead endpoint's documented fields are the ones
//! it accepts.

use serde_json::{Value, json};

/// The routes, as (method, path): the router is built from this list (a route without a
/// handler panics when it is built) and the document must describe exactly these (a test).
/// Routes of one path are listed together.
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/leads"),
    ("get", "/api/v1/leads"),
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/drafts"),
    ("get", "/api/v1/drafts/{id}"),
    ("post", "/api/v1/drafts/{id}/approve"),
    ("post", "/api/v1/drafts/{id}/reject"),
    ("post", "/api/v1/drafts/{id}/revisions"),
    ("get", "/api/v1/accounts"),
    ("get", "/api/v1/accounts/{id}"),
    ("get", "/api/v1/deals"),
    ("get", "/api/v1/calls"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

/// The reading and reviewing routes (`api.rs`).
fn reviewing_paths() -> Value {
    let id =
        json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }]);
    let read = |summary: &str, scope: &str| {
        json!({
            "summary": summary,
            "security": [{ "session": [] }, { "token": [scope] }],
            "responses": {
                "200": { "description": "JSON", "content": { "application/json": { "schema": { "type": ["object", "array"] } } } },
                "401": { "description": "Not signed in" },
                "403": { "description": format!("The token lacks {scope}") }
            }
        })
    };
    let read_one = |summary: &str, scope: &str| {
        let mut r = read(summary, scope);
        r["parameters"] = id.clone();
        r["responses"]["404"] =
            json!({ "description": "No such record, or not the caller's to see" });
        r
    };
    let change = |summary: &str, body: Value| {
        json!({
            "summary": summary,
            "security": [{ "session": [] }, { "token": ["drafts:write"] }],
            "parameters": id.clone(),
            "requestBody": { "required": true, "content": { "application/json": { "schema": body } } },
            "responses": {
                "200": { "description": "Done: { outcome, draft }" },
                "401": { "description": "Not signed in" },
                "403": { "description": "The token lacks drafts:write, the session's X-CSRF-Token is missing, or the caller may not do this to the draft" },
                "404": { "description": "No such draft, or not the caller's to see" },
                "400": { "description": "The body is not JSON" },
                "409": { "description": "Not possible in the draft's status (approved, rejected, sent)" },
                "413": { "description": "The body is over the size limit" },
                "415": { "description": "The body is not sent as application/json" },
                "422": { "description": "Refused by the relationship-test gate (open marked passage, personal sentence missing, the deal moved), an edit or rewrite that changes nothing, or JSON of the wrong shape" }
            }
        })
    };
    json!({
        "/api/v1/drafts/{id}": { "get": read_one("One draft with what stands before its approval, its revisions, the relationship test's questions and whether the caller may approve it", "drafts:read") },
        "/api/v1/drafts/{id}/approve": { "post": change(
            "The relationship test: two yes answers approve (a CRM update is applied to its deal in the same transaction), a no returns the draft for rewriting. Only the account's own account manager; for a draft of no rep's account, sales ops and admins",
            json!({ "type": "object", "additionalProperties": false, "required": ["sounds_like_me", "reflects_what_mattered"], "properties": {
                "sounds_like_me": { "type": "boolean" }, "reflects_what_mattered": { "type": "boolean" },
                "body": { "type": ["string", "null"], "description": "The final text, when the reviewer edited it" },
                "note": { "type": "string" }
            } })) },
        "/api/v1/drafts/{id}/reject": { "post": change("Reject with a reason (anyone who may see the draft)", json!({ "type": "object", "additionalProperties": false, "required": ["reason"], "properties": { "reason": { "type": "string", "minLength": 1 } } })) },
        "/api/v1/drafts/{id}/revisions": { "post": change("A new revision of the text (not for CRM updates)", json!({ "type": "object", "additionalProperties": false, "required": ["body"], "properties": { "subject": { "type": ["string", "null"] }, "body": { "type": "string" } } })) },
        "/api/v1/accounts": { "get": read("The accounts the caller may see, with tier, health and owner", "accounts:read") },
        "/api/v1/accounts/{id}": { "get": read_one("One account with its deals and customer issues", "accounts:read") },
        "/api/v1/deals": { "get": read("The deals the caller may see (by the deal's owner)", "deals:read") },
        "/api/v1/calls": { "get": read("The analysed calls the caller may see, with coaching metrics", "calls:read") },
        "/api/v1/audit": { "get": {
            "summary": "The audit trail: whether the hash chain is intact, and the latest 500 records (sales ops and admins)",
            "security": [{ "session": [] }, { "token": ["audit:read"] }],
            "responses": { "200": { "description": "JSON" }, "401": { "description": "Not signed in" }, "403": { "description": "Not sales ops or admin, or the token lacks audit:read" } }
        } }
    })
}

/// The document.
pub fn document() -> Value {
    let mut doc = document_base();
    if let (Some(paths), Value::Object(more)) = (doc["paths"].as_object_mut(), reviewing_paths()) {
        paths.extend(more);
    }
    doc["paths"]["/api/v1/leads"]["get"] = json!({
        "summary": "The leads the caller may see (by owner), each with its latest score, explanation factors, queue and routing reason",
        "security": [{ "session": [] }, { "token": ["leads:read"] }],
        "responses": { "200": { "description": "JSON" }, "401": { "description": "Not signed in" }, "403": { "description": "The token lacks leads:read" } }
    });
    doc
}

fn document_base() -> Value {
    let error = json!({
        "type": "object",
        "required": ["error"],
        "properties": { "error": { "type": "string", "description": "What was wrong, naming the field" } }
    });
    let text = |description: &str| json!({ "description": description, "content": { "text/plain": { "schema": { "type": "string" } } } });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "roomwork",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "roomwork's HTTP API: lead intake (scored, routed and stored in one transaction) and operations endpoints."
        },
        "paths": {
            "/api/v1/leads": {
                "post": {
                    "summary": "Score, route and store one lead",
                    "security": [{ "token": ["leads:write"] }, { "session": [] }],
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewLead" } } }
                    },
                    "responses": {
                        "200": {
                            "description": "Stored, with the score, its explanation, the rep and the reason",
                            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LeadAnswer" } } }
                        },
                        "400": { "description": "The body is not JSON; nothing was stored" },
                        "401": { "description": "No API token or session" },
                        "403": { "description": "The token lacks leads:write, or the session's X-CSRF-Token is missing" },
                        "413": { "description": "The body is over the size limit; nothing was stored" },
                        "415": { "description": "The body is not sent as application/json; nothing was stored" },
                        "422": { "description": "The lead was refused (a field of the wrong type or value, named in the error); nothing was stored", "content": { "application/json": { "schema": error.clone() } } },
                        "503": { "description": "No current lead model, or the store is not answering; nothing was stored", "content": { "application/json": { "schema": error } } }
                    }
                }
            },
            "/api/v1/session": {
                "post": {
                    "summary": "Sign in with e-mail and password (Content-Type: application/json only): sets the HttpOnly, Secure, SameSite=Strict session cookie and answers with the user and the CSRF token",
                    "security": [],
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": {
                            "type": "object", "required": ["email", "password"],
                            "properties": { "email": { "type": "string" }, "password": { "type": "string" } }
                        } } }
                    },
                    "responses": {
                        "200": { "description": "Signed in", "content": { "application/json": { "schema": {
                            "type": "object", "properties": { "user": { "$ref": "#/components/schemas/User" }, "csrf_token": { "type": "string" } }
                        } } } },
                        "401": { "description": "Wrong e-mail or password (the same answer for both)" },
                        "429": { "description": "Too many sign-in attempts in 15 minutes: 5 for one e-mail from one address, 30 for one e-mail, 50 from one address; see Retry-After" }
                    }
                },
                "delete": {
                    "summary": "Sign out (the session's X-CSRF-Token header is required)",
                    "security": [{ "session": [] }],
                    "responses": { "204": { "description": "Signed out" }, "401": { "description": "Not signed in" }, "403": { "description": "Missing or wrong X-CSRF-Token" } }
                }
            },
            "/api/v1/me": {
                "get": {
                    "summary": "The signed-in user (and the session's CSRF token, or the API token's scopes)",
                    "security": [{ "session": [] }, { "token": ["me:read"] }],
                    "responses": { "200": { "description": "The user" }, "401": { "description": "Not signed in" }, "403": { "description": "The token lacks me:read" } }
                }
            },
            "/api/v1/drafts": {
                "get": {
                    "summary": "The drafts the caller may see: an account manager their own accounts', a director their team's, sales ops and admins all",
                    "security": [{ "session": [] }, { "token": ["drafts:read"] }],
                    "responses": {
                        "200": { "description": "Drafts", "content": { "application/json": { "schema": { "type": "array", "items": {
                            "type": "object", "properties": {
                                "id": { "type": "string" }, "task": { "type": "string" }, "status": { "type": "string" },
                                "subject": { "type": "string" }, "account": { "type": ["string", "null"] }, "created_at": { "type": "string", "format": "date-time" }
                            }
                        } } } } },
                        "401": { "description": "Not signed in" },
                        "403": { "description": "The token lacks drafts:read" }
                    }
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": { "200": { "description": "The OpenAPI document", "content": { "application/json": { "schema": { "type": "object" } } } } }
                }
            },
            "/healthz": { "get": { "summary": "The process is running", "responses": { "200": text("ok") } } },
            "/readyz": {
                "get": {
                    "summary": "The database answers",
                    "responses": { "200": text("ready"), "503": text("the database does not answer") }
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics: requests by route, method and status; leads scored; uptime",
                    "responses": { "200": text("Prometheus text format 0.0.4") }
                }
            }
        },
        "components": {
            "securitySchemes": {
                "session": { "type": "apiKey", "in": "cookie", "name": "__Host-roomwork_session" },
                "token": { "type": "http", "scheme": "bearer", "description": "An API token from `roomwork users token` (scopes: leads:write, leads:read, drafts:read, drafts:write, accounts:read, deals:read, calls:read, audit:read, me:read)" }
            },
            "schemas": {
                "User": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string" }, "email": { "type": "string" }, "name": { "type": "string" },
                        "role": { "type": "string", "enum": ["account_manager", "sales_director", "sales_ops", "admin"] },
                        "rep_id": { "type": ["string", "null"] }, "team": { "type": ["string", "null"] },
                        "active": { "type": "boolean" }, "created_at": { "type": "string", "format": "date-time" }
                    }
                },
                "NewLead": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "properties": {
                        "name": { "type": "string", "minLength": 1 },
                        "title": { "type": ["string", "null"] },
                        "company": { "type": ["string", "null"] },
                        "company_size": { "type": ["integer", "null"], "minimum": 0 },
                        "industry": { "type": ["string", "null"] },
                        "country": { "type": ["string", "null"] },
                        "region": { "type": ["string", "null"] },
                        "source": { "type": ["string", "null"] },
                        "email": { "type": ["string", "null"], "format": "email" },
                        "behaviour": { "$ref": "#/components/schemas/LeadBehaviour" }
                    }
                },
                "LeadBehaviour": {
                    "type": "object",
                    "properties": {
                        "pages_viewed": { "type": "integer", "minimum": 0 },
                        "form_submissions": { "type": "integer", "minimum": 0 },
                        "email_opens": { "type": "integer", "minimum": 0 },
                        "email_clicks": { "type": "integer", "minimum": 0 }
                    }
                },
                "LeadAnswer": {
                    "type": "object",
                    "required": ["lead_id", "probability", "basis", "prior", "explanation", "factors", "queue", "reason", "model_version"],
                    "properties": {
                        "lead_id": { "type": "string" },
                        "probability": { "type": "number", "minimum": 0, "maximum": 1 },
                        "basis": { "type": "string" },
                        "prior": { "type": "boolean" },
                        "explanation": { "type": "string" },
                        "factors": { "type": "array", "items": { "type": "object" } },
                        "rep": {
                            "type": ["object", "null"],
                            "properties": { "id": { "type": "string" }, "name": { "type": "string" } }
                        },
                        "queue": { "type": "string" },
                        "reason": { "type": "string" },
                        "model_version": { "type": "integer" }
                    }
                }
            }
        }
    })
}
