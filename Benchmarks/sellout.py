#!/usr/bin/env python3
"""A flash sale that sells out: exactly N orders of one unit of HOT-1 (one inventory row),
sent over C keep-alive connections to 127.0.0.1 (asyncio, no dependencies), each order a new
externalId. Prints one line: how many were answered 201, 409 insufficient_stock and anything
else, the rate, and the latency percentiles.
   sellout.py PORT KEY ORDERS CONNECTIONS
Bounded: ORDERS requests in all, and at most 120 s."""
import asyncio, json, sys, time

port, key, total, connections = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sent = 0
statuses, codes, latencies = {}, {}, []


def body(n):
    return json.dumps({
        "channel": "bench", "externalId": f"sellout-{n}",
        "customer": {"email": f"s{n}@example.com", "name": "Flash buyer"}, "currency": "EUR",
        "shippingAddress": {"line1": "Damrak 1", "city": "Amsterdam", "postalCode": "1012 LG", "country": "NL",
                            "latitude": 52.37, "longitude": 4.89},
        "lines": [{"sku": "HOT-1", "quantity": 1, "unitPrice": 4999, "delivery": {"method": "ship"}}],
    }).encode()


async def client():
    global sent
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while sent < total:
        n = sent
        sent += 1
        payload = body(n)
        request = (f"POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode() + payload
        start = time.perf_counter()
        writer.write(request)
        await writer.drain()
        status_line = await reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        answer = await reader.readexactly(length)
        latencies.append(time.perf_counter() - start)
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 400:
            code = json.loads(answer).get("code", "?")
            codes[code] = codes.get(code, 0) + 1
    writer.close()


async def main():
    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(client() for _ in range(connections))), timeout=120)
    elapsed = time.perf_counter() - start
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000
    other = sum(v for k, v in statuses.items() if k not in (201, 409))
    print(f"RESULT created={statuses.get(201, 0)} refused={codes.get('insufficient_stock', 0)} other={other} "
          f"rps={len(latencies) / elapsed:.1f} p50={pct(50):.2f} p99={pct(99):.2f} seconds={elapsed:.2f}")


asyncio.run(main())
