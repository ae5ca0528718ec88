from .models import Exchange


def exchange_json(exchange: Exchange, with_history: bool = False) -> dict:
    data = {
        "id": exchange.id,
        "status": exchange.status,
        "teacher": exchange.teacher.email,
        "teacher_name": exchange.teacher.name,
        "home": exchange.home.code,
        "host": exchange.host.code,
        "starts_on": exchange.starts_on.isoformat(),
        "ends_on": exchange.ends_on.isoformat(),
        "days": exchange.days,
        "courses": [c.slug for c in exchange.courses],
        "purpose": exchange.purpose,
        "report": exchange.report or None,
        "files": [{"id": f.id, "name": f.name, "size": f.size} for f in exchange.files],
    }
    if with_history:
        data["history"] = [{"at": e.at.isoformat(), "by": e.actor.email if e.actor else None,
                            "from": e.from_status, "to": e.to_status, "note": e.note or None}
                           for e in exchange.events]
    return data
