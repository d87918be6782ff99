//! Parts of an ARM resource id, which Log Analytics spreads over several
//! columns (`SubscriptionId`, `ResourceGroup`, `ResourceProvider`,
//! `ResourceType`, `Resource`, `_ResourceId`, `_SubscriptionId`).

use crate::value::Val;

/// `/SUBSCRIPTIONS/{sub}/RESOURCEGROUPS/{rg}/PROVIDERS/{ns}/{type}/{name}`,
/// parts as written (Azure writes them upper-case in raw records).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ResourceId<'a> {
    pub subscription: Option<&'a str>,
    pub group: Option<&'a str>,
    pub provider: Option<&'a str>,
    /// The last type segment (`SERVICE`, `ACCOUNTS`).
    pub kind: Option<&'a str>,
    /// The last name segment.
    pub name: Option<&'a str>,
}

impl<'a> ResourceId<'a> {
    pub(crate) fn parse(id: &'a str) -> ResourceId<'a> {
        let segs: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
        let after = |key: &str| {
            segs.iter()
                .position(|s| s.eq_ignore_ascii_case(key))
                .and_then(|i| segs.get(i + 1).copied())
        };
        let provider_at = segs
            .iter()
            .position(|s| s.eq_ignore_ascii_case("providers"));
        // After the namespace come type/name pairs; the last pair is the
        // resource itself (a child resource has several).
        let (kind, name) = match provider_at {
            Some(p) if segs.len() >= p + 4 => {
                (segs.get(segs.len() - 2).copied(), segs.last().copied())
            }
            _ => (None, None),
        };
        ResourceId {
            subscription: after("subscriptions"),
            group: after("resourcegroups"),
            provider: provider_at.and_then(|p| segs.get(p + 1).copied()),
            kind,
            name,
        }
    }
}

/// `_ResourceId` is lower case in Log Analytics, whatever the raw casing.
pub(crate) fn la_resource_id(id: &str) -> String {
    id.to_ascii_lowercase()
}

/// Whether a raw record comes from an Azure AI services (Cognitive
/// Services) account, whose logs all land in `AzureDiagnostics`.
pub(crate) fn is_cognitive_services(rec: &Val<'_>) -> bool {
    let Some(id) = rec.get_ci("resourceId").and_then(Val::as_str) else {
        return false;
    };
    // Every record of a resource carries the same id, and every record is
    // classified: remember the answer for the latest id.
    LAST.with_borrow_mut(|(last, answer)| {
        if last != id {
            *answer = ResourceId::parse(id)
                .provider
                .is_some_and(|p| p.eq_ignore_ascii_case("MICROSOFT.COGNITIVESERVICES"));
            last.clear();
            last.push_str(id);
        }
        *answer
    })
}

thread_local! {
    /// The latest resource id classified, and whether it is Cognitive Services.
    static LAST: std::cell::RefCell<(String, bool)> =
        const { std::cell::RefCell::new((String::new(), false)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let r = ResourceId::parse(
            "/SUBSCRIPTIONS/12CA-34/RESOURCEGROUPS/OBS-RG/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/OBS-OPENAI",
        );
        assert_eq!(r.subscription, Some("12CA-34"));
        assert_eq!(r.group, Some("OBS-RG"));
        assert_eq!(r.provider, Some("MICROSOFT.COGNITIVESERVICES"));
        assert_eq!(r.kind, Some("ACCOUNTS"));
        assert_eq!(r.name, Some("OBS-OPENAI"));
        let child = ResourceId::parse(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/a/slots/b",
        );
        assert_eq!((child.kind, child.name), (Some("slots"), Some("b")));
        assert_eq!(ResourceId::parse("garbage"), ResourceId::default());
        assert_eq!(ResourceId::parse("/subscriptions/s/providers/x").kind, None);
    }
}
