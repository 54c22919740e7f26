//! `POST …/{ws}/accounts/import` `{"csv"}`: the console's CSV import of account traits
//! (`protocol::v1::parse_import`). Each good row is set in its account object as the admin API
//! sets traits and audited (`account.traits`, or `account.input` when it sets a subjective
//! input, with the CSM's note); each bad row is named with its line, field and problem, and
//! nothing of it is stored. A file whose shape is wrong is refused whole. The answer is the
//! console's tables. Also the Accounts tab's table of subjective inputs, read from the audit.

use protocol::v1::control::{AuditEntry, Role, to_text};
use protocol::v1::{AdminOp, ImportRow, SUBJECTIVE, TableDto, TablesView, parse_import_body};

use super::commit::Write;
use super::http::{Incoming, Reply};
use super::store::AuditFilter;
use super::{Cx, WsCx, commit};
use crate::error::AppError;

/// Who may set account data from the console.
pub(super) const CS_WRITERS: &[Role] = &[Role::Owner, Role::Admin, Role::Editor];

/// The audit entry of a stored row: every trait it set, the note, the line of the file.
fn entry(w: &WsCx, now: i64, row: &ImportRow) -> AuditEntry {
    let action = if row.subjective() {
        "account.input"
    } else {
        "account.traits"
    };
    let mut e = w.entry(now, action, &format!("account:{}", row.account_id));
    for (k, v) in row.trait_texts() {
        e.detail.insert(format!("trait.{k}"), v);
    }
    if let Some(note) = &row.note {
        e.detail.insert("note".into(), note.clone());
    }
    e.detail
        .insert("source".into(), format!("csv line {}", row.line));
    e
}

/// `POST …/{ws}/accounts/import`.
pub(super) async fn import(cx: &Cx<'_>, w: &WsCx, req: &Incoming) -> Result<Reply, AppError> {
    super::policy::require(w.roles(), CS_WRITERS, "importing account data")?;
    let accounts = cx
        .accounts
        .as_ref()
        .ok_or_else(|| AppError::Internal("no ACCOUNTS binding".into()))?;
    let reasons = protocol::v1::parse_settings(&w.ws.settings)
        .map(|(s, _, _)| s.churn_reasons())
        .unwrap_or_else(|_| protocol::v1::WorkspaceSettings::default().churn_reasons());
    let (good, mut bad) = parse_import_body(&req.body, &reasons)?;
    let ws_catalog = crate::catalog::CatalogStore::catalog(cx.catalog, &w.ws.id).await?;
    let mut stored = Vec::new();
    let mut refused: Vec<Vec<String>> = Vec::new();
    for row in good {
        let op = AdminOp::SetTraits {
            account_id: row.account_id.clone(),
            traits: row.traits.clone(),
        };
        let now = rules::Timestamp(cx.now);
        match crate::app::admin_op_in(&ws_catalog, accounts, &w.ws.id, &row.account_id, op, now)
            .await
        {
            Ok(_) => stored.push(row),
            Err(AppError::Rejected(problem)) => bad.push(protocol::v1::RowProblem {
                line: row.line,
                account_id: row.account_id,
                problem,
            }),
            // Not stored on our side's failure: said so, to import the row again.
            Err(e) => refused.push(vec![
                row.line.to_string(),
                row.account_id,
                String::new(),
                "internal".into(),
                format!("not stored ({e}); import the row again"),
            ]),
        }
    }
    if !stored.is_empty() {
        let writes: Vec<Write> = stored
            .iter()
            .map(|row| Write::Audit(entry(w, cx.now, row)))
            .collect();
        commit(cx, w, &writes).await?;
    }
    bad.sort_by_key(|b| b.line);
    let mut rows: Vec<Vec<String>> = bad
        .into_iter()
        .map(|b| {
            vec![
                b.line.to_string(),
                b.account_id,
                b.problem.field,
                b.problem.code.as_str().to_owned(),
                b.problem.message,
            ]
        })
        .collect();
    rows.append(&mut refused);
    let view = TablesView {
        updated_at: Some(cx.now),
        tables: vec![
            TableDto {
                name: "Rows stored".into(),
                note: format!(
                    "{} rows stored; each set its account's traits and is in the audit log.",
                    stored.len()
                ),
                columns: ["Line", "Account", "Traits set"]
                    .map(str::to_owned)
                    .to_vec(),
                rows: stored
                    .iter()
                    .map(|r| {
                        vec![
                            r.line.to_string(),
                            r.account_id.clone(),
                            r.traits.keys().cloned().collect::<Vec<_>>().join(", "),
                        ]
                    })
                    .collect(),
            },
            TableDto {
                name: "Rows refused".into(),
                note: format!(
                    "{} rows refused; nothing of them was stored. Fix them and import them again.",
                    rows.len()
                ),
                columns: ["Line", "Account", "Field", "Code", "Problem"]
                    .map(str::to_owned)
                    .to_vec(),
                rows,
            },
        ],
    };
    Ok(Reply::json(to_text(&view)))
}

/// The Accounts tab's subjective inputs: the latest 200 set, newest first, with who set
/// them, when, and their note (audit action `account.input`).
pub(super) async fn inputs_table(cx: &Cx<'_>, w: &WsCx) -> Result<TableDto, AppError> {
    let entries = cx
        .store
        .audit(
            &w.ws.id,
            &AuditFilter {
                action: "account.input".into(),
                actor: String::new(),
                target: String::new(),
                since: 0,
                until: i64::MAX / 2,
                cursor: i64::MAX / 2,
                limit: 200,
            },
        )
        .await?;
    let mut rows = Vec::new();
    for e in &entries {
        let by = match &e.actor {
            protocol::v1::control::Actor::User { email, .. } => email.clone(),
            protocol::v1::control::Actor::Key { secret_key } => secret_key.clone(),
        };
        for input in SUBJECTIVE {
            if let Some(value) = e.detail.get(&format!("trait.{input}")) {
                rows.push(vec![
                    e.target
                        .strip_prefix("account:")
                        .unwrap_or(&e.target)
                        .to_owned(),
                    input.to_owned(),
                    value.clone(),
                    e.detail.get("note").cloned().unwrap_or_default(),
                    by.clone(),
                    protocol::v1::format_day(e.at.div_euclid(86_400_000)),
                ]);
            }
        }
    }
    Ok(TableDto {
        name: "Subjective inputs".into(),
        note: "Executive relationship and champion strength (0-10), set by a CSM with a note \
               (the import's note column), newest first; each is in the audit log."
            .into(),
        columns: ["Account", "Input", "Value", "Note", "Set by", "Set on"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    })
}
