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
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/drafts"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

/// The document.
pub fn document() -> Value {
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
                        "401": { "description": "No API token or session" },
                        "403": { "description": "The token lacks leads:write, or the session's X-CSRF-Token is missing" },
                        "422": { "description": "The lead was refused; nothing was stored", "content": { "application/json": { "schema": error.clone() } } },
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
                "token": { "type": "http", "scheme": "bearer", "description": "An API token from `roomwork users token` (scopes: leads:write, drafts:read, me:read)" }
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
