"""Admin → Usage: model calls, tokens, cost and latency by day, user, page and model, with CSV export."""

from datetime import UTC, datetime, timedelta

import streamlit as st

from backend.auth.identity import PermissionDeniedError
from backend.metering.report import totals, totals_by
from ui.operator_resources import current_user, usage_report
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

cfg = settings()
user = current_user()

st.title("Usage")
if not user.is_admin:
    st.error("Admins only: usage and cost are for HR admins.", icon=":material/lock:")
    st.stop()

today = datetime.now(UTC).date()
picked = st.date_input(
    "Days (UTC)",
    value=(today - timedelta(days=29), today),
    max_value=today,
    key="usage_days",
    format="YYYY-MM-DD",
)
if not isinstance(picked, tuple) or len(picked) != 2:
    st.info("Pick the last day of the range too.")
    st.stop()
first, last = picked

try:
    data = usage_report(cfg).load(user, first, last)
except PermissionDeniedError as exc:
    st.error(str(exc), icon=":material/lock:")
    st.stop()

frame = data.frame
overall = totals(frame)
st.caption(f"{overall.calls:,} model calls totalled in {data.query_seconds:.3f} s.")
if frame.empty:
    st.info("No model calls in these days yet.")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
c1.metric("Model calls", f"{overall.calls:,}", help=f"{overall.errors:,} failed or were interrupted")
c2.metric("Tokens in / out", f"{overall.input_tokens:,} / {overall.output_tokens:,}")
c3.metric(
    "Estimated cost",
    f"${overall.cost:,.4f}",
    help="From the price table (PRICES_FILE); offline models cost 0.",
)
c4.metric("Mean time per call", f"{overall.mean_seconds or 0:.2f} s")
if overall.unpriced_calls:
    st.caption(
        f"{overall.unpriced_calls:,} calls used a model with no price in the price table; "
        "their cost is not included (price unknown)."
    )

by_day, by_user, by_page, by_model = st.tabs(["By day", "By user", "By page", "By model"])
with by_day:
    days = totals_by(frame, "day")
    st.bar_chart(days, y="cost", y_label="estimated cost ($)")
    st.bar_chart(days, y=["input_tokens", "output_tokens"], y_label="tokens", stack=True)
    st.dataframe(days, width="stretch")
for tab, dimension in ((by_user, "user"), (by_page, "page"), (by_model, "model")):
    with tab:
        table = totals_by(frame, dimension)  # type: ignore[arg-type]
        st.bar_chart(table, y="calls", horizontal=True)
        st.dataframe(table, width="stretch")

st.download_button(
    "Export every call (CSV)",
    data=lambda: usage_report(cfg).calls_csv(user, first, last),  # read in full only when clicked
    file_name=f"usage_{first.isoformat()}_{last.isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
)
