"""Orders sent with an Idempotency-Key across a `kill -9` (Benchmarks/crash-safety.sh).

  crash_keys.py load BASE ROUND CLIENTS SECONDS LOG   send orders until SECONDS pass or the server dies
  crash_keys.py retry BASE LOG                        after the restart: send every request again with its key
  crash_keys.py verify BASE LOG...                    each key produced exactly one order

Every request carries `Idempotency-Key`; odd clients send no `externalId` (a kiosk, a POS), so
only the key stands between a retry and a second order. LOG gets one JSON line per request:
{key, body, status, id}. Bounded: at most 2,000 requests per client, loopback only.
"""
import http.client, json, os, sys, threading, time
from urllib.parse import urlparse

AUTH = {"Authorization": "Bearer " + os.environ["ORDERLY_ADMIN_KEY"], "Content-Type": "application/json"}


def send(base, key, body, timeout=5):
    """(status, order id or None, problem code or None); status 0 when the server is gone."""
    url = urlparse(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        connection.request("POST", "/v1/orders", body=body, headers={**AUTH, "Idempotency-Key": key})
        response = connection.getresponse()
        data = response.read()
        answer = json.loads(data) if data else {}
        order_id = answer.get("id") if response.status in (200, 201) else None
        return response.status, order_id, answer.get("code")
    except (OSError, http.client.HTTPException, ValueError):
        return 0, None, None
    finally:
        connection.close()


def body_for(round_no, client, n):
    order = {
        "channel": "web", "customer": {"email": f"k{client}@example.com"}, "currency": "EUR",
        "shippingAddress": {"line1": "Damrak 1", "city": "Amsterdam", "country": "NL"},
        "lines": [{"sku": f"SKU-{(n * 7 + client) % 20}", "quantity": n % 3 + 1, "unitPrice": 1000}],
    }
    if client % 2 == 0:
        order["externalId"] = f"k{round_no}-c{client:02d}-{n:05d}"
    return json.dumps(order)


def load(base, round_no, clients, seconds, log):
    deadline = time.time() + seconds
    lock = threading.Lock()
    out = open(log, "a")

    def client(c):
        for n in range(1, 2001):
            if time.time() > deadline:
                return
            key = f"key-{round_no}-{c:02d}-{n:05d}"
            body = body_for(round_no, c, n)
            status, order_id, _ = send(base, key, body)
            with lock:
                out.write(json.dumps({"key": key, "body": body, "status": status, "id": order_id}) + "\n")
                out.flush()
            if status == 0:
                return  # the server is gone

    threads = [threading.Thread(target=client, args=(c,)) for c in range(1, clients + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.close()


def read(log):
    return [json.loads(line) for line in open(log)]


def retry(base, log):
    """Every request again with its key: an acknowledged one must answer the same order; an
    unacknowledged one is retried until it gets an answer (the lease of a claim the crash left
    runs out first)."""
    entries = read(log)
    changed = 0
    for entry in entries:
        deadline = time.time() + 90
        while True:
            status, order_id, code = send(base, entry["key"], entry["body"], timeout=20)
            # No answer yet, or the claim the crash left is still leased (409 `conflict`, unlike a
            # refusal for stock, `insufficient_stock`, which is an answer): ask again.
            if (status == 0 or (status == 409 and code == "conflict")) and time.time() < deadline:
                time.sleep(0.5)
                continue
            break
        if entry["status"] in (200, 201) and order_id != entry["id"]:
            changed += 1
            print(f"  {entry['key']}: answered {entry['id']} before the crash, {order_id} after")
        entry["retry"] = {"status": status, "id": order_id}
    with open(log, "w") as out:
        for entry in entries:
            out.write(json.dumps(entry) + "\n")
    unacked = [e for e in entries if e["status"] not in (200, 201)]
    statuses = {}
    for e in unacked:
        statuses[e["retry"]["status"]] = statuses.get(e["retry"]["status"], 0) + 1
    answers = ", ".join(f"{count} × {status}" for status, count in sorted(statuses.items()))
    print(f"  keys sent {len(entries)}, acknowledged {len(entries) - len(unacked)}, unacknowledged retried after the restart "
          f"{len(unacked)} ({answers or 'none'}; 200: the order the crash interrupted was already placed), "
          f"acknowledged answers changed by the retry {changed}")
    return changed == 0


def orders(base):
    url = urlparse(base)
    ids, cursor = [], None
    while True:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        connection.request("GET", "/v1/orders?limit=500" + (f"&cursor={cursor}" if cursor else ""), headers=AUTH)
        page = json.loads(connection.getresponse().read())
        connection.close()
        ids += [item["id"] for item in page["items"]]
        cursor = page.get("nextCursor")
        if not cursor:
            return ids


def verify(base, logs):
    entries = [e for log in logs for e in read(log)]
    per_key = {}
    for entry in entries:
        final = entry["retry"]["id"] or entry["id"]
        per_key[entry["key"]] = final
    placed = [order_id for order_id in per_key.values() if order_id]
    stored = orders(base)
    duplicates = len(placed) - len(set(placed))
    strays = set(stored) - set(placed)
    missing = set(placed) - set(stored)
    print(f"  keys {len(per_key)}, keys with an order {len(placed)}, orders stored {len(stored)}, "
          f"keys sharing an order {duplicates}, orders no key answered {len(strays)}, answered orders missing {len(missing)}")
    return duplicates == 0 and not strays and not missing and len(stored) == len(placed)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "load":
        load(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    elif mode == "retry":
        sys.exit(0 if retry(sys.argv[2], sys.argv[3]) else 1)
    elif mode == "verify":
        sys.exit(0 if verify(sys.argv[2], sys.argv[3:]) else 1)
