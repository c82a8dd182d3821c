"""Driver for Benchmarks/multi-instance.sh: BASE_URL... (servers on one PostgreSQL)."""
import http.server
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

BASES = sys.argv[1:]
KEY = os.environ["ORDERLY_ADMIN_KEY"]
STOCK = 100
ATTEMPTS = 300
SUBSCRIPTIONS = 5


def call(base, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + KEY, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


received = Counter()
lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with lock:
            received[body["id"]] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
hook = f"http://127.0.0.1:{server.server_address[1]}/hook"

a = BASES[0]
assert call(a, "POST", "/v1/locations", {"id": "WH-1", "name": "Warehouse", "type": "warehouse"})[0] == 201
assert call(a, "POST", "/v1/channels", {"id": "web", "name": "Web", "type": "web", "routing": {"onShortage": "reject"}})[0] == 201
assert call(a, "POST", "/v1/products", [{"sku": "HOT", "name": "Flash sale"}, {"sku": "SUB", "name": "Coffee"}])[0] == 200
assert call(a, "PUT", "/v1/inventory/HOT/WH-1", {"onHand": STOCK})[0] == 200
assert call(a, "PUT", "/v1/inventory/SUB/WH-1", {"onHand": 1000})[0] == 200
assert call(a, "POST", "/v1/webhooks", {"url": hook, "events": ["order.created"]})[0] == 201
address = {"line1": "Damrak 1", "city": "Amsterdam", "country": "NL"}

# The flash sale: ATTEMPTS one-unit orders for STOCK units, spread over every instance.
def buy(n):
    return call(BASES[n % len(BASES)], "POST", "/v1/orders", {
        "channel": "web", "externalId": f"flash-{n}", "customer": {"email": f"buyer{n}@example.com"}, "currency": "EUR",
        "shippingAddress": address, "lines": [{"sku": "HOT", "quantity": 1, "unitPrice": 999}]})[0]

started = time.time()
with ThreadPoolExecutor(max_workers=24) as pool:
    statuses = Counter(pool.map(buy, range(ATTEMPTS)))
elapsed = time.time() - started
level = call(a, "GET", "/v1/inventory/HOT/WH-1")[1]
print(f"flash sale over {len(BASES)} instances: {ATTEMPTS} attempts in {elapsed:.1f}s -> {dict(statuses)}; "
      f"HOT onHand {level['onHand']} reserved {level['reserved']}")
assert statuses[201] == STOCK, "every unit sold exactly once"
assert set(statuses) <= {201, 409}, "the rest refused as insufficient_stock"
assert level["reserved"] == STOCK and level["available"] == 0, "no oversell"

# Subscriptions due now, run on every instance at the same moment, twice.
subs = []
for n in range(SUBSCRIPTIONS):
    status, sub = call(a, "POST", "/v1/subscriptions", {
        "channel": "web", "customer": {"email": f"sub{n}@example.com", "name": "Subscriber"}, "currency": "EUR",
        "shippingAddress": address, "lines": [{"sku": "SUB", "quantity": 1, "unitPrice": 1200}], "interval": "P1M",
        "startAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))})
    assert status == 201, sub
    subs.append(sub["id"])
with ThreadPoolExecutor(max_workers=len(BASES) * 2) as pool:
    list(pool.map(lambda base: call(base, "POST", "/v1/subscriptions/run-due"), BASES * 2))
for sub in subs:
    orders = call(a, "GET", f"/v1/orders?q=sub:{sub}:")[1]["items"]
    assert len(orders) == 1, f"subscription {sub} ran {len(orders)} times for one period"
print(f"subscriptions: {SUBSCRIPTIONS} due, run-due on {len(BASES)} instances twice at once -> one order each")

# Every order.created event reaches the receiver exactly once, whichever dispatcher sent it.
expected = STOCK + SUBSCRIPTIONS
deadline = time.time() + 60
while time.time() < deadline and len(received) < expected:
    time.sleep(0.2)
time.sleep(2)  # anything sent twice would arrive by now
duplicates = {event: count for event, count in received.items() if count > 1}
print(f"webhooks: {len(received)} distinct events received of {expected}, duplicates: {len(duplicates)}")
assert len(received) == expected and not duplicates
print("multi-instance: no oversell, no double webhook, no double subscription run")
