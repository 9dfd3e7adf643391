//! What a signed-in person may read and change, over the records of one request: an account
//! manager their own rep's, a sales director their team's (the reps of their territory), sales
//! ops and admins everyone's (`roomwork_domain::User::may_see`).

use std::collections::HashMap;

use roomwork_domain::{Account, AccountId, Draft, Rep, RepId, Role, User};
use roomwork_store::Store;

/// A person with the accounts and reps their rights are decided over.
pub struct Scope {
    /// Who.
    pub user: User,
    /// Every rep, by id.
    pub reps: HashMap<RepId, Rep>,
    /// Every account, by id.
    pub accounts: HashMap<AccountId, Account>,
}

impl Scope {
    /// Reads the reps and accounts once for a request.
    pub async fn load(store: &dyn Store, user: User) -> Result<Self, roomwork_store::StoreError> {
        let reps = store.reps().await?.into_iter().map(|r| (r.id, r)).collect();
        let accounts = store
            .accounts()
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        Ok(Self {
            user,
            reps,
            accounts,
        })
    }

    /// Whether a record owned by `owner` is the person's to see.
    pub fn owner(&self, owner: Option<RepId>) -> bool {
        let territory = owner
            .and_then(|o| self.reps.get(&o))
            .and_then(|r| r.territory.as_deref());
        self.user.may_see(owner, territory)
    }

    /// Whether an account (and what hangs on it) is the person's to see.
    pub fn account(&self, id: Option<AccountId>) -> bool {
        self.owner(id.and_then(|a| self.accounts.get(&a)).and_then(|a| a.owner))
    }

    /// The draft with id `id` (as typed in a path), if there is one the person may see.
    pub async fn find_draft(
        &self,
        store: &dyn Store,
        id: &str,
    ) -> Result<Option<Draft>, roomwork_store::StoreError> {
        let Ok(id) = id.parse::<roomwork_domain::DraftId>() else {
            return Ok(None);
        };
        match store.draft(id).await {
            Ok(d) if self.draft(&d) => Ok(Some(d)),
            Ok(_) | Err(roomwork_store::StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether the person may see a draft: by its account's owner.
    pub fn draft(&self, d: &Draft) -> bool {
        self.account(d.account_id)
    }

    /// Whether the person may put a draft to the relationship test and approve it: the
    /// account's own account manager ("does this sound like me?" is theirs to answer); a
    /// draft for an account no rep owns, or for no account (the weekly report), sales ops and
    /// admins.
    pub fn may_approve(&self, d: &Draft) -> bool {
        let owner = d
            .account_id
            .and_then(|a| self.accounts.get(&a))
            .and_then(|a| a.owner);
        match owner {
            Some(rep) => self.user.role == Role::AccountManager && self.user.rep_id == Some(rep),
            None => matches!(self.user.role, Role::SalesOps | Role::Admin),
        }
    }

    /// Whether the person may reject or edit a draft: whoever may see it.
    pub fn may_change(&self, d: &Draft) -> bool {
        self.draft(d)
    }

    /// The account's name.
    pub fn account_name(&self, id: Option<AccountId>) -> Option<&str> {
        id.and_then(|a| self.accounts.get(&a))
            .map(|a| a.name.as_str())
    }

    /// The rep's name.
    pub fn rep_name(&self, id: Option<RepId>) -> Option<&str> {
        id.and_then(|r| self.reps.get(&r)).map(|r| r.name.as_str())
    }
}
