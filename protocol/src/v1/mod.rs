//! Version 1 of the wire protocol.

mod account;
mod batch;
mod campaign;
mod decide;
mod event;
mod ids;
mod settings;

pub use account::{AccountEventDto, EventExport, IngestRequest, IngestResult, Subject, to_json};
pub use batch::{
    Batch, EventsResponse, MAX_BATCH_BYTES, MAX_EVENT_BYTES, MAX_EVENTS, Rejected, ValidatedBatch,
    batch_body, batch_overhead, correct_time, parse_batch,
};
pub use campaign::{
    ActivityDto, CampaignDoc, ComputedDto, ConditionDto, Content, Cta, DaysDto, LimitDto,
    OperandDto, RecurrenceDto, ScopeDto, SeatsDto, SurfaceDto, UsageDto, WindowDto, parse_campaign,
};
pub use decide::{
    DecideRequest, DecideResponse, DecisionDto, MessageDto, VerdictDto, decision_dto,
    parse_decide_request,
};
pub use event::{Event, EventDto, EventKind, EventType, JsonMap, MessageAction, validate_event};
pub use ids::{check_id, normalize_uuid};
pub use settings::{
    BudgetDto, ComponentDto, DEFAULT_LIFECYCLE, HealthDto, StageDto, TiersDto, WorkspaceSettings,
    parse_settings,
};

/// The protocol version this module speaks.
pub const VERSION: u32 = 1;
