//! The verdict policy: whether a change of each kind breaks an HTTP client (wire) and code
//! built on the previous generated crate (Rust), with the note a finding carries.
//!
//! The Rust column follows the crate's compatibility policy: generated structs are
//! `#[non_exhaustive]` with `new(required…)`, so new optional fields break no caller; string
//! enums are open (`Unrecognized(String)`) and `#[non_exhaustive]`, so callers' matches already
//! have a wildcard arm; methods take one positional argument per required parameter, and the
//! optional ones by name (`<method>_with(…, <Method>Params)`). A change in a schema reached
//! from both requests and responses takes the stricter rule of the two directions
//! ([`Direction::Both`]); one no operation reaches never breaks the wire.
//!
//! The rules are written once, here. `xtask/VERDICTS.md` is the table rendered from them for
//! readers of a report: every kind, with the directions and facts its verdicts depend on (the
//! test in `tests/verdict_table.rs` renders it and keeps it current; `UPDATE_GOLDEN=1`
//! rewrites it).

use super::model::{Direction, Facts, Kind, Verdict};

impl Kind {
    /// The verdict policy: (wire, Rust, note) of a change of this kind, travelling in
    /// `direction` (`None`: an operation's own change, judged as both ways).
    pub fn verdicts(self, direction: Option<Direction>, facts: Facts) -> (Verdict, Verdict, Option<&'static str>) {
        use Kind::*;
        use Verdict::{Breaking as B, NonBreaking as N};
        let d = direction.unwrap_or(Direction::Both);
        // A schema no operation reaches cannot break an HTTP client.
        let wire = |breaking: bool| if breaking && d.on_wire() { B } else { N };
        match self {
            ApiAdded | OperationAdded | SchemaAdded => (N, N, None),
            ApiRemoved | OperationRemoved => (B, B, None),
            OperationIdRenamed => (N, B, Some("the client method is renamed")),
            ParameterAdded if facts.required => (
                wire(true),
                B,
                Some("a required parameter is a positional argument of the method"),
            ),
            ParameterAdded => (
                N,
                N,
                Some("optional parameters are fields of `<Method>Params`, taken by `<method>_with`"),
            ),
            ParameterRemoved => (N, B, Some("the method loses an argument or a parameters field")),
            ParameterRenamed => (N, N, Some("path parameters are positional arguments")),
            ParameterRequiredChanged => (
                wire(facts.required),
                B,
                Some("the parameter moves between the positional arguments and `<Method>Params`"),
            ),
            RequestBodyAdded => (wire(facts.required), B, Some("the method gains a body argument")),
            RequestBodyRemoved => (N, B, Some("the method loses its body argument")),
            RequestBodyRequiredChanged => (wire(facts.required), N, None),
            SchemaRemoved => (
                N,
                B,
                Some("the type is removed; references to it are reported where they changed"),
            ),
            SchemaRenamed => (N, B, Some("the type is renamed")),
            PropertyAdded => {
                let breaking = facts.required && d.sent();
                (
                    wire(breaking),
                    if breaking { B } else { N },
                    breaking.then_some("new required field callers must set"),
                )
            }
            PropertyRemoved => (wire(d.received()), B, Some("the field is removed")),
            PropertyRequiredChanged => (
                wire(if facts.required { d.sent() } else { d.received() }),
                B,
                Some("the field switches between `T` and `Option<T>`"),
            ),
            TypeChanged | FormatChanged => (wire(true), B, None),
            NullableChanged => (
                wire(if facts.nullable { d.received() } else { d.sent() }),
                B,
                Some("the field's `Option` wrapping may change"),
            ),
            EnumValueAdded => (
                N,
                N,
                Some(match d {
                    Direction::Request => {
                        "new variant callers may send; enums are `#[non_exhaustive]`, so existing matches already have a wildcard arm"
                    }
                    Direction::Response => "new variant; older clients receive it as `Unrecognized(String)`",
                    Direction::Both | Direction::Unreferenced => {
                        "new variant callers may send and receive; enums are `#[non_exhaustive]` (existing matches already have a wildcard arm) and open (older clients receive it as `Unrecognized(String)`)"
                    }
                }),
            ),
            EnumValueRemoved => (wire(d.sent()), B, Some("the variant is removed")),
            Deprecated | Undeprecated | DescriptionChanged => (N, N, None),
            StatusCodeAdded => (
                N,
                N,
                facts
                    .success
                    .then_some("new success status: check the method's return type"),
            ),
            StatusCodeRemoved => (wire(facts.success), if facts.success { B } else { N }, None),
            MediaTypeAdded => (N, N, None),
            MediaTypeRemoved => (wire(true), B, None),
            SecurityChanged => (
                wire(true),
                N,
                Some("credentials are configured on the HTTP client, not per method"),
            ),
            Unclassified => (
                Verdict::Unknown,
                Verdict::Unknown,
                Some("no rule for this change: review by hand"),
            ),
        }
    }
}
