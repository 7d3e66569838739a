"""The officers a report covers, as an SQL condition (see ``bot.services.report_scope``).

Reports, charts and exports all select their officers through :func:`scope_condition`, so a
trainer's report can never include someone outside his or her cohorts.
"""

from __future__ import annotations

from dataclasses import dataclass


def scope_condition(*, trainer_id: int | None, cohort_id: int | None, country: str | None,
                    locale: str | None, user: str = "u.user_id", alias: str = "u"
                    ) -> tuple[str, dict[str, object]]:
    """An SQL condition on the users row ``alias`` (column ``user``) and its parameters.

    Onboarded users only; narrowed to the cohorts of ``trainer_id`` when given (a trainer's
    view), to one cohort, a country and a language when given. Parameter names start with
    ``scope_`` so they do not clash with the caller's.
    """
    where = [f"{alias}.locale IS NOT NULL", f"{alias}.privacy_seen_at IS NOT NULL"]
    args: dict[str, object] = {}
    if trainer_id is not None:
        where.append(f"{user} IN (SELECT sm.user_id FROM cohort_members sm JOIN cohorts sc "
                     "ON sc.id = sm.cohort_id WHERE sc.trainer_id = :scope_trainer)")
        args["scope_trainer"] = trainer_id
    if cohort_id is not None:
        where.append(f"{user} IN (SELECT cm.user_id FROM cohort_members cm "
                     "WHERE cm.cohort_id = :scope_cohort)")
        args["scope_cohort"] = cohort_id
    if country is not None:
        where.append(f"{alias}.country = :scope_country")
        args["scope_country"] = country
    if locale is not None:
        where.append(f"{alias}.locale = :scope_locale")
        args["scope_locale"] = locale
    return " AND ".join(where), args


@dataclass(frozen=True)
class ScopeArgs:
    """The officers a read covers, as the store takes them (from a service's ``Scope``)."""

    trainer_id: int | None = None
    cohort_id: int | None = None
    country: str | None = None
    locale: str | None = None

    def condition(self, alias: str = "u") -> tuple[str, dict[str, object]]:
        return scope_condition(trainer_id=self.trainer_id, cohort_id=self.cohort_id,
                               country=self.country, locale=self.locale,
                               user=f"{alias}.user_id", alias=alias)
