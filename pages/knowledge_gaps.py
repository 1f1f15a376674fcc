"""Admin → Knowledge gaps: questions the policies fail to answer, grouped by topic, and the Ask-HR queue."""

import streamlit as st

from backend.appdb.gap_groups import GROUP_STATUSES
from backend.gaps.handoff import HandoffError
from backend.gaps.report import GapGroup, to_csv
from ui.errors import report as report_error
from ui.flash import flash, show_flash
from ui.operator_resources import current_user, gap_report, handoff_service
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

GROUPS_KEY = "gaps_groups"
MESSAGE_KEY = "gaps_message"
MAX_GROUPS_SHOWN = 50

cfg = settings()
user = current_user()

st.title("Knowledge gaps")
if not user.is_admin:
    st.error(
        "Admins only: the knowledge-gap report and the Ask-HR queue are for HR admins.",
        icon=":material/lock:",
    )
    st.stop()

report = gap_report(cfg)
handoffs = handoff_service(cfg)


def answer(handoff_id: str) -> None:
    reply = st.session_state.get(f"gaps_reply_{handoff_id}", "")
    try:
        handoffs.answer(user, handoff_id, reply)
    except HandoffError as exc:
        flash(MESSAGE_KEY, "warning", str(exc))
        return
    flash(MESSAGE_KEY, "success", "Answered: the user sees the reply next time they open the Q&A.")


def set_status(key: str) -> None:
    report.set_status(user, key, st.session_state[f"gaps_status_{key}"])
    groups: list[GapGroup] | None = st.session_state.get(GROUPS_KEY)
    if groups is not None:
        st.session_state[GROUPS_KEY] = report.with_statuses(user, groups)


show_flash(MESSAGE_KEY)

queue = handoffs.queue(user)
st.subheader(f"Ask HR queue ({len(queue)} open)")
if not queue:
    st.caption("No open questions: when a user presses “Ask HR” their question appears here.")
for item in queue:
    with st.container(border=True):
        st.markdown(f"**{item.question}**")
        st.caption(f"{item.user} · {item.page or 'Q&A'} · asked {item.asked_at:%Y-%m-%d %H:%M} UTC")
        if item.note:
            st.markdown(f"> {item.note}")
        st.text_area("Reply", key=f"gaps_reply_{item.id}", height=80)
        st.button(
            "Mark answered", key=f"gaps_answer_{item.id}", on_click=answer, args=(item.id,), type="primary"
        )
with st.expander("Answered questions"):
    answered = [i for i in handoffs.queue(user, include_answered=True) if i.status == "answered"]
    if not answered:
        st.caption("None yet.")
    for item in reversed(answered):
        seen = "seen" if item.seen else "not seen yet"
        st.markdown(f"**{item.question}** ({item.user}) → {item.reply}")
        when = f"{item.answered_at:%Y-%m-%d %H:%M}" if item.answered_at else ""
        st.caption(f"answered by {item.answered_by} {when} UTC · {seen}")

st.subheader("Unanswered questions by topic")
st.caption(
    "Questions the Q&A refused, answered with low confidence, or that users rated down, grouped by "
    "meaning with the embedding model. Each group shows the policy passages closest to it: the place "
    "to extend a document."
)
if st.button("Refresh", icon=":material/refresh:") or GROUPS_KEY not in st.session_state:
    with st.spinner("Grouping questions…"):
        try:
            st.session_state[GROUPS_KEY] = report.groups(user)
        except Exception as exc:  # e.g. the embedding model is missing
            st.error(report_error(exc, region=cfg.aws_region), icon=":material/error:")
            st.stop()
groups: list[GapGroup] = st.session_state[GROUPS_KEY]
if not groups:
    st.info("No refused, low-confidence or rated-down questions yet.")
    st.stop()

st.download_button(
    "Export the report (CSV)",
    data=to_csv(groups),
    file_name="knowledge_gaps.csv",
    mime="text/csv",
    icon=":material/download:",
)
if len(groups) > MAX_GROUPS_SHOWN:
    st.caption(f"Showing the {MAX_GROUPS_SHOWN} largest of {len(groups)} groups; the CSV has them all.")
for group in groups[:MAX_GROUPS_SHOWN]:
    signals = ", ".join(f"{n} {label}" for label, n in group.signals.items())
    with st.expander(f"{group.title} · {group.count} question{'s' * (group.count != 1)} · {group.status}"):
        seen = f"first {group.first_seen:%Y-%m-%d}, last {group.last_seen:%Y-%m-%d}"
        st.caption(f"{signals} · {seen} · group {group.key}")
        st.selectbox(
            "Status",
            GROUP_STATUSES,
            index=GROUP_STATUSES.index(group.status),
            key=f"gaps_status_{group.key}",
            on_change=set_status,
            args=(group.key,),
        )
        st.markdown("**Questions**\n" + "\n".join(f"- {q}" for q in group.examples))
        if group.comments:
            st.markdown("**User comments**\n" + "\n".join(f"- {c}" for c in group.comments))
        st.markdown("**Closest policy passages**")
        try:
            passages = report.closest_passages(user, group)
        except Exception as exc:  # e.g. no index built yet
            st.caption(f"Unavailable: {report_error(exc, region=cfg.aws_region)}")
            continue
        if not passages:
            st.caption("No policy passage is close to these questions.")
        for passage in passages:
            st.caption(f"{passage.cite} · score {passage.score:.2f}")
            st.text(passage.text[:600])
