"""The README's BI example queries ("Example queries"), run by pymongo against a MongoDB-wire server.

A BI analyst's tools (pymongo, pandas, notebooks) must work against the read-model server. This
connects with the current pymongo, writes a few salon-days and specialist-days into a scratch
database, runs the three aggregations of the README and checks their answers, then drops the
database. Exit 0 when all three answer as MongoDB would; the first failure is printed.

    python tools/bench/read-model-server-pymongo.py mongodb://127.0.0.1:27100/?directConnection=true
"""
import sys
import time

import pymongo

url = sys.argv[1]
client = pymongo.MongoClient(url, serverSelectionTimeoutMS=5000)
db = client[f"bi_probe_{int(time.time() * 1000)}"]
try:
    hello = client.admin.command("hello")
    print(f"pymongo {pymongo.version}: maxWireVersion {hello.get('maxWireVersion')}")
    days = [
        {"_id": f"chain-main|s{s}|2025-11-{d:02d}", "tenantId": "chain-main", "salonId": f"s{s}",
         "salonDate": f"2025-11-{d:02d}", "revenue": 100 * s + d, "newClients": s, "returningClients": d,
         "visits": {"total": 5, "completed": 4, "noShow": 1, "cancelled": 0}}
        for s in (1, 2) for d in (1, 2, 30)
    ] + [{"_id": "chain-main|s1|2025-12-01", "tenantId": "chain-main", "salonId": "s1", "salonDate": "2025-12-01",
          "revenue": 9999, "newClients": 9, "returningClients": 9,
          "visits": {"total": 9, "completed": 9, "noShow": 0, "cancelled": 0}}]
    db.bi_salon_daily_v1.insert_many(days)
    db.bi_specialist_daily_v1.insert_many([
        {"_id": f"chain-main|p{p}|2025-11-0{d}", "tenantId": "chain-main", "specialistId": f"p{p}",
         "specialistName": f"Specialist {p}", "salonDate": f"2025-11-0{d}", "revenue": 10 * p,
         "visits": {"total": p, "noShow": 1 if p == 2 else 0}}
        for p in (1, 2, 3) for d in (1, 2)
    ])
    db.bi_salon_daily_v1.create_index([("tenantId", 1), ("salonDate", 1)])
    november = {"tenantId": "chain-main", "salonDate": {"$gte": "2025-11-01", "$lte": "2025-11-30"}}

    per_salon = list(db.bi_salon_daily_v1.aggregate([
        {"$match": november},
        {"$group": {"_id": "$salonId", "revenue": {"$sum": "$revenue"}, "completed": {"$sum": "$visits.completed"},
                    "newClients": {"$sum": "$newClients"}, "noShows": {"$sum": "$visits.noShow"}}},
        {"$sort": {"revenue": -1}},
    ]))
    assert per_salon == [
        {"_id": "s2", "revenue": 633, "completed": 12, "newClients": 6, "noShows": 3},
        {"_id": "s1", "revenue": 333, "completed": 12, "newClients": 3, "noShows": 3},
    ], per_salon

    per_day = list(db.bi_salon_daily_v1.aggregate([
        {"$match": november},
        {"$group": {"_id": "$salonDate", "newClients": {"$sum": "$newClients"},
                    "returningClients": {"$sum": "$returningClients"}, "visits": {"$sum": "$visits.total"},
                    "cancelled": {"$sum": "$visits.cancelled"}}},
        {"$sort": {"_id": 1}},
    ]))
    assert [d["_id"] for d in per_day] == ["2025-11-01", "2025-11-02", "2025-11-30"], per_day
    assert per_day[2] == {"_id": "2025-11-30", "newClients": 3, "returningClients": 60, "visits": 10, "cancelled": 0}, per_day

    top = list(db.bi_specialist_daily_v1.aggregate([
        {"$match": november},
        {"$group": {"_id": "$specialistId", "name": {"$max": "$specialistName"}, "revenue": {"$sum": "$revenue"},
                    "visits": {"$sum": "$visits.total"}, "noShow": {"$sum": "$visits.noShow"}}},
        {"$project": {"name": 1, "revenue": 1, "visits": 1,
                      "noShowRate": {"$cond": [{"$eq": ["$visits", 0]}, 0, {"$divide": ["$noShow", "$visits"]}]}}},
        {"$sort": {"revenue": -1}},
        {"$limit": 10},
    ]))
    assert [(t["_id"], t["revenue"], t["visits"], t["noShowRate"]) for t in top] == [
        ("p3", 60, 6, 0), ("p2", 40, 4, 0.5), ("p1", 20, 2, 0)], top
    print("pymongo: the README's three BI queries answered correctly")
finally:
    try:
        client.drop_database(db.name)
    finally:
        client.close()
