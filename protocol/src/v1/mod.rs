//! Version 1 of the wire protocol.

mod account;
mod batch;
mod campaign;
mod decide;
mod event;
mod ids;

pub use account::{AccountEventDto, EventExport, IngestRequest, IngestResult, Subject, to_json};
pub use batch::{
    Batch, EventsResponse, MAX_BATCH_BYTES, MAX_EVENT_BYTES, MAX_EVENTS, Rejected, ValidatedBatch,
    batch_body, batch_overhead, correct_time, parse_batch,
};
pub use campaign::{
    BudgetDto, CampaignDoc, ConditionDto, Content, Cta, OperandDto, RecurrenceDto, ScopeDto,
    SurfaceDto, UsageDto, WindowDto, WorkspaceSettings, parse_campaign, parse_settings,
};
pub use decide::{
    DecideRequest, DecideResponse, DecisionDto, MessageDto, VerdictDto, decision_dto,
    parse_decide_request,
};
pub use event::{Event, EventDto, EventKind, EventType, JsonMap, MessageAction, validate_event};
pub use ids::{check_id, normalize_uuid};

/// The protocol version this module speaks.
pub const VERSION: u32 = 1;
