#!/usr/bin/env python3
"""Drives the back office in headless Chromium: signs in (a wrong password first), searches,
opens an order, adds a note and puts it on hold and releases it, checks the timeline, reads an
order's money and records a goodwill refund, enters a phone order with a pickup elsewhere, changes an order's lines, tags a customer and merges their other profile; then a
store associate hands over a pickup against its code, sells at the counter, hands another over in part, and counts a shelf; another takes back a unit of a web
order shipped from the DC and pays the refund out at the till; an admin adds a person and
issues a reset link. Saves screenshots of the main pages.

Usage: ORDERLY_ADMIN_KEY=… backoffice.py BASE_URL [SCREENSHOT_DIR]   (a server started with --demo)
"""
import json
import os
import re
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1].rstrip("/")
SHOTS = sys.argv[2] if len(sys.argv) > 2 else None
PASSWORD = "orderly-demo-2026"


def browser(width=1280, height=1000):
    options = Options()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def click(driver, element):
    """Clicks something that loads a new page and waits until that page has loaded."""
    driver.execute_script("window.__previousPage = true")
    element.click()
    # A new document has none of the old one's variables; errors while it loads are retried.
    WebDriverWait(driver, 20, ignored_exceptions=[WebDriverException]).until(
        lambda d: d.execute_script("return window.__previousPage === undefined && document.readyState === 'complete'"))


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok -", message)


def shot(driver, name, phone=False, at=None):
    """Saves a screenshot; `phone`: at a phone's width (the store pages are the associate's
    handheld), scrolled to the element with id `at`."""
    if not SHOTS:
        return
    if phone:
        size = driver.get_window_size()
        driver.set_window_size(390, 844)
        if at:
            driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", at)
        driver.save_screenshot(f"{SHOTS}/{name}.png")
        driver.set_window_size(size["width"], size["height"])
    else:
        driver.save_screenshot(f"{SHOTS}/{name}.png")


def sign_in(driver, email, password):
    driver.get(BASE + "/login")
    driver.find_element(By.NAME, "email").clear()
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    click(driver, driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


def api(method, path, body=None):
    request = urllib.request.Request(
        BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + os.environ["ORDERLY_ADMIN_KEY"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


def flash(driver):
    found = driver.find_elements(By.CSS_SELECTOR, ".flash")
    return found[0].text if found else ""


def main():
    driver = browser()
    try:
        # A wrong password shows the form again with an error, and signs nobody in.
        sign_in(driver, "agent@orderly.demo", "not-the-password")
        check("/login" in driver.current_url, "a wrong password stays on the sign-in form")
        check("not right" in flash(driver), "the form says the password is not right")
        shot(driver, "login")

        sign_in(driver, "agent@orderly.demo", PASSWORD)
        check(driver.current_url.rstrip("/") == BASE, "customer service lands on the dashboard")
        check(int(driver.find_element(By.ID, "orders-today").text) >= 1, "the dashboard counts today's orders")
        shot(driver, "dashboard")

        # Search across channels by the customer's email.
        driver.get(BASE + "/orders?q=sanne")
        rows = driver.find_elements(By.CSS_SELECTOR, "#orders tbody tr a")
        check(len(rows) >= 1, "searching by email finds the customer's order")
        click(driver, rows[0])
        check("/orders/ord_" in driver.current_url, "the order opens")
        order_url = driver.current_url

        # Add a note: it is on the timeline, with who wrote it.
        note = f"Customer called at {time.strftime('%H:%M:%S')}"
        form = driver.find_element(By.CSS_SELECTOR, "form[action$='/notes']")
        form.find_element(By.NAME, "text").send_keys(note)
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("Note added" in flash(driver), "adding a note confirms it")
        timeline = driver.find_element(By.ID, "timeline").text
        check(note in timeline and "agent@orderly.demo" in timeline, "the note is on the timeline with its author")

        # Put it on hold, then release it.
        form = driver.find_element(By.CSS_SELECTOR, "form[action$='/holds']")
        form.find_element(By.NAME, "reason").send_keys("address check")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check(driver.find_element(By.ID, "order-status").text == "On hold", "the order is on hold, in words")
        click(driver, driver.find_element(By.CSS_SELECTOR, "form[action*='/release'] button"))
        check(driver.find_element(By.ID, "order-status").text != "On hold", "releasing the hold takes it off hold")
        shot(driver, "order")

        click(driver, driver.find_element(By.CSS_SELECTOR, "a[href^='/customers/']"))
        check("Orders from every channel" in driver.page_source, "the customer profile lists their orders")

        # The same person ordered once more under another email: the agent tags the profile and
        # merges the other one into it by that email; its order moves here.
        customer_id = driver.current_url.rstrip("/").split("/")[-1]
        person = api("GET", "/v1/customers/" + customer_id)
        other_email = f"second.profile.{int(time.time() * 1000)}@example.nl"
        stocked = max(api("GET", "/v1/inventory?locationId=DC-TILBURG&limit=500")["items"], key=lambda l: l["available"])
        other = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-merge-{int(time.time() * 1000)}", "currency": "EUR",
            "customer": {"email": other_email, "name": person.get("name", "Second Profile")},
            "shippingAddress": {"name": "Second Profile", "line1": "Stationsplein 9", "city": "Utrecht", "postalCode": "3511 ED", "country": "NL"},
            "lines": [{"sku": stocked["sku"], "quantity": 1, "unitPrice": 1500}]})
        check(other["customerId"] != customer_id, "another email makes another profile")
        form = driver.find_element(By.ID, "profile")
        form.find_element(By.NAME, "tags").clear()
        form.find_element(By.NAME, "tags").send_keys("vip")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("Profile saved" in flash(driver), "the agent tags the profile")
        form = driver.find_element(By.ID, "merge")
        form.find_element(By.NAME, "other").send_keys(other_email)
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("1 order moved" in flash(driver), "merging moves the other profile's order: " + flash(driver))
        check(other["number"] in driver.find_element(By.ID, "customer-orders").text, "the moved order is listed here")
        check("customer.merged" in driver.find_element(By.ID, "customer-history").text, "the merge is in the profile's history")
        check(api("GET", "/v1/customers/" + other["customerId"])["id"] == customer_id, "the merged profile answers as this one")
        shot(driver, "customer")

        # A line waiting for stock says which supply it is promised and what waits without a date.
        stamp = int(time.time() * 1000)
        sku = f"LANTERN-{stamp}"
        api("POST", "/v1/products", {"sku": sku, "name": "Storm lantern"})
        api("POST", "/v1/supply", {"id": f"PO-{stamp}", "locationId": "DC-TILBURG", "expectedAt": "2027-01-15T09:00:00Z",
                                   "lines": [{"sku": sku, "quantity": 2}]})
        waiting = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-wait-{stamp}", "currency": "EUR",
            "customer": {"email": "waiting.tester@example.nl", "name": "Waiting Tester"},
            "shippingAddress": {"line1": "Damrak 1", "city": "Amsterdam", "country": "NL"},
            "lines": [{"sku": sku, "quantity": 3, "unitPrice": 2495}]})
        driver.get(BASE + "/orders/" + waiting["id"])
        lines = driver.find_element(By.ID, "lines").text
        check(f"2 from PO-{stamp}, expected 15 Jan 2027 09:00; 1 without a date" in lines,
              "a waiting line shows the supply it is promised and what waits without a date")
        shot(driver, "order-waiting")

        # The demo's first web order: its discounts, Dutch VAT and shipping, paid through the
        # provider; customer service gives a goodwill refund with the reason.
        paid = api("GET", "/v1/orders?q=WEB-10001")["items"][0]
        driver.get(BASE + "/orders/" + paid["id"])
        lines = driver.find_element(By.ID, "lines").text
        check("BTW 21%" in lines and "BTW laag 9%" in lines and "PostNL" in lines, "lines show their VAT and the shipping line")
        check(driver.find_element(By.ID, "payment-status").text == "Paid", "the order is paid")
        check("PSP-DEMO-1C" in driver.find_element(By.ID, "payments").text, "the provider's capture is listed")
        form = driver.find_element(By.ID, "record-payment")
        form.find_element(By.NAME, "kind").send_keys("refund")
        form.find_element(By.NAME, "amount").send_keys("5.00")
        form.find_element(By.NAME, "note").send_keys("goodwill: delivery was late")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("Recorded: refund of EUR 5.00" in flash(driver), "recording a refund confirms it")
        check(driver.find_element(By.ID, "payment-status").text == "Partially refunded", "the refund shows in the payment status")
        check("goodwill: delivery was late" in driver.find_element(By.ID, "payments").text, "the reason is kept with the refund")
        check("CN-" in driver.find_element(By.ID, "invoices").text, "the goodwill refund brings a credit note")
        shot(driver, "order-money")
        click(driver, next(a for a in driver.find_elements(By.CSS_SELECTOR, "#invoices a") if a.text.startswith("INV-")))
        check(driver.find_element(By.ID, "invoice-number").text.startswith("INV-"), "the shipped order's invoice opens")
        taxes = driver.find_element(By.ID, "invoice-taxes").text
        check("BTW" in taxes and "21%" in taxes and "9%" in taxes, "the invoice breaks its tax down per rate")
        check(driver.find_element(By.ID, "invoice-total").text == "EUR 361.90", "the invoice is for what was shipped")
        shot(driver, "invoice")

        # A phone order: one article shipped from the DC, one picked up at the Utrecht store;
        # the agent checks stock and routing first, then places it.
        stamp = int(time.time() * 1000)
        from_dc, at_utrecht = {"sku": f"STOVE-{stamp}"}, {"sku": f"LAMP-{stamp}"}
        for item, where in [(from_dc, "DC-TILBURG"), (at_utrecht, "ST-UTRECHT")]:
            api("POST", "/v1/products", {"sku": item["sku"], "name": "Phone order " + item["sku"]})
            api("PUT", f"/v1/inventory/{item['sku']}/{where}", {"onHand": 3})
        driver.get(BASE + "/")
        click(driver, driver.find_element(By.ID, "new-order"))
        form = driver.find_element(By.ID, "order-entry")
        Select(form.find_element(By.NAME, "channel")).select_by_value("phone")
        for name, value in [("email", "phone.caller@example.nl"), ("name", "Piet Beller"), ("phone", "+31 30 555 0199"),
                            ("line1", "Lange Nieuwstraat 4"), ("postalCode", "3512 PH"), ("city", "Utrecht"),
                            ("sku[r1]", from_dc["sku"]), ("quantity[r1]", "1"), ("price[r1]", "20.00"),
                            ("sku[r2]", at_utrecht["sku"]), ("quantity[r2]", "1"), ("price[r2]", "15.00")]:
            form.find_element(By.NAME, name).send_keys(value)
        Select(form.find_element(By.NAME, "delivery[r2]")).select_by_value("pickup:ST-UTRECHT")
        click(driver, form.find_element(By.CSS_SELECTOR, "button[value=check]"))
        preview = driver.find_element(By.ID, "entry-preview").text
        check("from ST-UTRECHT (pickup)" in preview and "total EUR 35.00" in preview, "the routing is shown before the order is placed")
        check("ST-UTRECHT" in driver.find_element(By.ID, "entry-lines").text, "each sku's stock per location is shown")
        shot(driver, "order-entry")
        click(driver, driver.find_element(By.CSS_SELECTOR, "#order-entry button[value=place]"))
        check("placed" in flash(driver), "placing the phone order confirms it: " + flash(driver))
        fulfilment = driver.find_element(By.ID, "fulfillment").text
        check("ST-UTRECHT" in fulfilment and "pickup" in fulfilment.lower(), "the pickup goes to the Utrecht store")

        # The customer calls: one more of the first line, and a second article added.
        stamp = int(time.time() * 1000)
        stocked = [{"sku": f"MUG-{stamp}"}, {"sku": f"BOTTLE-{stamp}"}]
        for item in stocked:
            api("POST", "/v1/products", {"sku": item["sku"], "name": "Change test " + item["sku"]})
            api("PUT", f"/v1/inventory/{item['sku']}/DC-TILBURG", {"onHand": 3})
        called = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-change-{int(time.time() * 1000)}", "currency": "EUR",
            "customer": {"email": "change.tester@example.nl", "name": "Change Tester"},
            "shippingAddress": {"name": "Change Tester", "line1": "Oudegracht 1", "city": "Utrecht", "postalCode": "3511 AA", "country": "NL"},
            "lines": [{"sku": stocked[0]["sku"], "quantity": 1, "unitPrice": 2000}]})
        driver.get(BASE + "/orders/" + called["id"])
        form = driver.find_element(By.ID, "change-lines")
        form.find_element(By.NAME, "quantity[l1]").clear()
        form.find_element(By.NAME, "quantity[l1]").send_keys("2")
        form.find_element(By.NAME, "newSku").send_keys(stocked[1]["sku"])
        form.find_element(By.NAME, "newPrice").send_keys("12.50")
        form.find_element(By.NAME, "reason").send_keys("customer called")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("Lines changed" in flash(driver), "customer service changes the lines: " + flash(driver))
        check(driver.find_element(By.ID, "order-total").text == "EUR 52.50", "the total follows the change")
        rows = driver.find_elements(By.CSS_SELECTOR, "#lines tbody tr")
        check(len(rows) >= 2 and stocked[1]["sku"] in rows[1].text, "the new line is listed")
        check("order.updated" in driver.find_element(By.ID, "timeline").text, "the change is on the timeline")
        shot(driver, "order-change")

        driver.get(BASE + "/reports")
        chart = driver.find_element(By.CSS_SELECTOR, ".chart svg")
        check(len(chart.find_elements(By.TAG_NAME, "rect")) >= 1, "the reports page draws net sales per day as SVG")
        check("web" in driver.find_element(By.ID, "by-channel").text, "sales by channel are tabled")
        shot(driver, "reports")

        driver.get(BASE + "/orders")
        shot(driver, "orders")
        driver.get(BASE + "/inventory?sku=TENT-2P")
        levels = driver.find_elements(By.CSS_SELECTOR, "#levels tbody tr")
        check(len(levels) >= 2, "one sku across all locations")
        shot(driver, "inventory")

        driver.get(order_url)
        click(driver, driver.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button"))
        check("/login" in driver.current_url, "signing out returns to the sign-in form")
        driver.get(BASE + "/orders")
        check("/login" in driver.current_url, "after signing out, pages need a session again")

        # A click & collect order for the Utrecht store, placed through the API.
        level = next(l for l in api("GET", "/v1/inventory?locationId=ST-UTRECHT&limit=500")["items"] if l["available"] > 0)
        placed = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-{int(time.time() * 1000)}", "currency": "EUR",
            "customer": {"email": "pickup.tester@example.nl", "name": "Pickup Tester"},
            "lines": [{"sku": level["sku"], "quantity": 1, "unitPrice": 1000, "delivery": {"method": "pickup", "locationId": "ST-UTRECHT"}}]})
        number = placed["number"]

        # A store associate: their store's work; that pickup made ready and handed over against its code.
        sign_in(driver, "utrecht@orderly.demo", PASSWORD)
        check("/stores/ST-UTRECHT" in driver.current_url, "a store associate lands on their store")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#work tbody tr") if number in r.text)
        click(driver, row.find_element(By.CSS_SELECTOR, "form[action$='/ready'] button"))
        code = re.search(r"Code: (\w+)", flash(driver))
        check(code is not None, "making it ready issues a pickup code")
        shot(driver, "store", phone=True, at="work")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#work tbody tr") if number in r.text)
        form = row.find_element(By.CSS_SELECTOR, "form[action$='/pickup']")
        form.find_element(By.NAME, "pickupCode").send_keys("WRONG234")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("pickupCode" in flash(driver), "a wrong pickup code is refused")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#work tbody tr") if number in r.text)
        form = row.find_element(By.CSS_SELECTOR, "form[action$='/pickup']")
        form.find_element(By.NAME, "pickupCode").send_keys(code.group(1))
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("Handed over" in flash(driver), "the right code hands the pickup over")
        check(number not in driver.find_element(By.ID, "work").text, "the handed-over pickup leaves the store's work list")
        check(api("GET", "/v1/orders/" + placed["id"])["status"] == "fulfilled", "the order is fulfilled")

        # A sale at the counter, on the associate's phone: two units rung up and paid by card;
        # they leave Utrecht's stock as the sale is made.
        stamp = int(time.time() * 1000)
        till_sku = f"CAP-{stamp}"
        api("POST", "/v1/products", {"sku": till_sku, "name": "Counter cap"})
        api("PUT", f"/v1/inventory/{till_sku}/ST-UTRECHT", {"onHand": 3})
        driver.set_window_size(390, 844)
        driver.get(BASE + "/stores/ST-UTRECHT#sale")
        form = driver.find_element(By.ID, "counter-sale")
        form.find_element(By.NAME, "items").send_keys(f"{till_sku} 2 12.50")
        Select(form.find_element(By.NAME, "method")).select_by_value("card")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("paid by card" in flash(driver) and "EUR 25.00" in flash(driver), "the counter sale is rung up and paid: " + flash(driver))
        check(api("GET", f"/v1/inventory/{till_sku}/ST-UTRECHT")["onHand"] == 1, "the sold units leave the store's stock")
        check(driver.execute_script("return document.getElementById('work').scrollWidth <= window.innerWidth"),
              "on a phone the store's work fits the screen's width")
        shot(driver, "counter-sale")
        driver.set_window_size(1280, 1000)

        # A pickup of two lines handed over in part: the customer leaves the second line behind.
        stocked_here = [l for l in api("GET", "/v1/inventory?locationId=ST-UTRECHT&limit=500")["items"] if l["available"] > 0][:2]
        two = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-part-{int(time.time() * 1000)}", "currency": "EUR",
            "customer": {"email": "part.pickup@example.nl", "name": "Part Pickup"},
            "lines": [{"sku": l["sku"], "quantity": 1, "unitPrice": 1000, "delivery": {"method": "pickup", "locationId": "ST-UTRECHT"}}
                      for l in stocked_here]})
        driver.get(BASE + "/stores/ST-UTRECHT")

        # Where else is it in stock: the other stores that have it, nearest first.
        elsewhere = next(l["sku"] for l in api("GET", "/v1/inventory?locationId=ST-ROTTERDAM&limit=500")["items"] if l["available"] > 0)
        form = driver.find_element(By.ID, "nearby-lookup")
        form.find_element(By.NAME, "nearby").send_keys(elsewhere)
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("Rotterdam Lijnbaan" in driver.find_element(By.ID, "nearby-stores").text, "another store's stock is found for a customer")
        driver.get(BASE + "/stores/ST-UTRECHT")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#work tbody tr") if two["number"] in r.text)
        click(driver, row.find_element(By.CSS_SELECTOR, "form[action$='/ready'] button"))
        code = re.search(r"Code: (\w+)", flash(driver)).group(1)
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#work tbody tr") if two["number"] in r.text)
        form = row.find_element(By.CSS_SELECTOR, "form[action$='/pickup']")
        left_behind = form.find_element(By.NAME, "take[l2]")
        left_behind.clear()
        left_behind.send_keys("0")
        form.find_element(By.NAME, "pickupCode").send_keys(code)
        shot(driver, "partial-handover", phone=True, at="work")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("Handed over 1 of 2 units; the other 1 are cancelled." in flash(driver), "a partial handover by code: " + flash(driver))
        lines = api("GET", "/v1/orders/" + two["id"])["lines"]
        check([l["fulfilledQuantity"] for l in lines] == [1, 0] and lines[1]["cancelledQuantity"] == 1, "the line left behind is cancelled")

        # The associate counts a shelf with the handheld: one unit more than the system expects.
        shelf = next(l for l in api("GET", "/v1/inventory?locationId=ST-UTRECHT&limit=500")["items"] if l["reserved"] == 0 and l["onHand"] > 0)
        form = driver.find_element(By.ID, "shelf-count")
        form.find_element(By.NAME, "scans").send_keys(f"{shelf['sku']} {shelf['onHand']}\n{shelf['sku']}\n")
        click(driver, form.find_element(By.CSS_SELECTOR, "button.secondary"))
        review = driver.find_element(By.ID, "count-review").text
        check(shelf["sku"] in review and "+1" in review, "the check shows the variance before anything is recorded")
        shot(driver, "shelf-count", phone=True, at="shelf-count")
        form = driver.find_element(By.ID, "shelf-count")
        click(driver, form.find_element(By.CSS_SELECTOR, "button[formaction]"))
        check(f"{shelf['sku']} {shelf['onHand']} → {shelf['onHand'] + 1} (+1)" in flash(driver), "the count is recorded: " + flash(driver))
        driver.get(BASE + "/inventory?sku=" + shelf["sku"])
        check("count" in driver.page_source and "+1" in driver.page_source, "the ledger shows the variance")
        # An endless aisle: a customer at the Utrecht counter buys a tent only the DC has, shipped home.
        tent = f"TENT-{int(time.time() * 1000)}"
        api("POST", "/v1/products", {"sku": tent, "name": "Tent for four"})
        api("PUT", f"/v1/inventory/{tent}/DC-TILBURG", {"onHand": 2})
        driver.get(BASE + "/stores/ST-UTRECHT")
        click(driver, driver.find_element(By.ID, "new-order"))
        form = driver.find_element(By.ID, "order-entry")
        check(Select(form.find_element(By.NAME, "channel")).first_selected_option.get_attribute("value") == "pos-utrecht",
              "the store sells on its own POS channel")
        for name, value in [("email", "aisle.buyer@example.nl"), ("name", "Ans Aisle"), ("line1", "Neude 11"), ("postalCode", "3512 AE"),
                            ("city", "Utrecht"), ("sku[r1]", tent), ("quantity[r1]", "1"), ("price[r1]", "129.00")]:
            form.find_element(By.NAME, name).send_keys(value)
        click(driver, form.find_element(By.CSS_SELECTOR, "button[value=check]"))
        check("DC-TILBURG" in driver.find_element(By.ID, "entry-preview").text, "the routing shows the DC will ship it")
        shot(driver, "store-endless-aisle")
        click(driver, driver.find_element(By.CSS_SELECTOR, "#order-entry button[value=place]"))
        check("placed" in flash(driver) and "/stores/ST-UTRECHT" in driver.current_url, "the sale is placed and the associate is back at the store: " + flash(driver))
        check(api("GET", f"/v1/inventory/{tent}/DC-TILBURG")["reserved"] == 1, "the DC's tent is reserved for the customer")
        driver.get(BASE + "/orders")
        check("Forbidden" in driver.page_source, "a store associate may not search orders")
        driver.get(BASE + "/payments")
        check("Forbidden" in driver.page_source, "a store associate may not change payment settings")

        # A web order shipped from the DC comes back at the Rotterdam store: the associate finds it
        # by its number, takes one unit back as resellable, and pays the refund out at the till.
        dc = max(api("GET", "/v1/inventory?locationId=DC-TILBURG&limit=500")["items"], key=lambda l: l["available"])
        sku = dc["sku"]
        web = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-return-{int(time.time() * 1000)}", "currency": "EUR",
            "customer": {"email": "return.tester@example.nl", "name": "Return Tester"},
            "shippingAddress": {"name": "Return Tester", "line1": "Coolsingel 40", "city": "Rotterdam", "postalCode": "3011 AD", "country": "NL"},
            "lines": [{"sku": sku, "quantity": 9, "unitPrice": 2000}]})
        api("POST", f"/v1/orders/{web['id']}/payments", {
            "kind": "sale", "amount": web["totals"]["total"], "currency": "EUR", "provider": "adyen", "method": "card",
            "reference": "PSP-RETURN-" + web["number"]})
        shipped_from = api("GET", "/v1/orders/" + web["id"])["fulfillmentOrders"]
        check([fo["locationId"] for fo in shipped_from] == ["DC-TILBURG"], "nine units ship from the DC")
        api("POST", f"/v1/fulfillment-orders/{shipped_from[0]['id']}/accept")
        api("POST", f"/v1/fulfillment-orders/{shipped_from[0]['id']}/shipments", {"lines": [{"sku": sku, "quantity": 9}]})
        on_shelf = api("GET", f"/v1/inventory/{sku}/ST-ROTTERDAM")["onHand"]
        # Noor reads the back office in Dutch: her store page, its headings and statuses.
        click(driver, driver.find_element(By.ID, "my-account"))
        form = driver.find_element(By.ID, "language")
        Select(form.find_element(By.NAME, "language")).select_by_value("nl")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        driver.get(BASE + "/stores/ST-UTRECHT")
        headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]
        check("PAKLIJST" in [h.upper() for h in headings] and driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl",
              "an associate who chose Dutch reads the store page in Dutch")
        shot(driver, "store-nl", phone=True)
        click(driver, driver.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button"))
        sign_in(driver, "rotterdam@orderly.demo", PASSWORD)
        check("/stores/ST-ROTTERDAM" in driver.current_url, "the Rotterdam associate lands on their store")
        lookup = driver.find_element(By.ID, "take-back-lookup")
        lookup.find_element(By.NAME, "q").send_keys(web["number"])
        click(driver, lookup.find_element(By.CSS_SELECTOR, "button"))
        check(web["number"] in driver.find_element(By.ID, "found").text, "the web order is found by its number")
        form = driver.find_element(By.ID, "take-back")
        check("9" in form.find_element(By.ID, "returnable").text, "nine units can come back")
        form.find_element(By.NAME, "resellable[l1]").clear()
        form.find_element(By.NAME, "resellable[l1]").send_keys("1")
        form.find_element(By.NAME, "reason").send_keys("too small")
        shot(driver, "take-back", phone=True, at="take-back")
        click(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check("Taken back: 1 unit, 1 back on the shelf. Refund EUR 20.00" in flash(driver), "the refund due is shown: " + flash(driver))
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#refunds tbody tr") if "EUR 20.00" in r.text)
        click(driver, row.find_element(By.CSS_SELECTOR, "form button"))
        check("Pay out EUR 20.00 in cash" in flash(driver), "the till pays it out in cash")
        check(api("GET", f"/v1/inventory/{sku}/ST-ROTTERDAM")["onHand"] == on_shelf + 1, "the unit is back on Rotterdam's shelf")
        ledger = api("GET", f"/v1/inventory/ledger?sku={sku}&locationId=ST-ROTTERDAM")["items"]
        check(any(e["reason"] == "return_restock" and e["delta"] == 1 for e in ledger), "through the ledger")
        check(api("GET", "/v1/orders/" + web["id"])["totals"]["refunded"] == 2000, "the order shows the refund")

        # The administrator: tax rates and payment settings.
        click(driver, driver.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button"))
        sign_in(driver, "admin@orderly.demo", PASSWORD)
        driver.get(BASE + "/tax-rates")
        check("21%" in driver.find_element(By.ID, "tax-rates").text, "the demo's Dutch VAT is listed")
        form = driver.find_element(By.ID, "tax-rate-form")
        for name, value in {"id": "BE-standard", "country": "be", "name": "BTW", "rate": "21"}.items():
            form.find_element(By.NAME, name).send_keys(value)
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("BE-standard saved" in flash(driver), "an admin adds a tax rate")
        check(any(r["id"] == "BE-standard" and r["country"] == "BE" for r in api("GET", "/v1/tax-rates")["items"]), "the rate is saved as typed")
        shot(driver, "tax-rates")

        driver.get(BASE + "/payments")
        table = driver.find_element(By.ID, "channel-payments")
        row = next(r for r in table.find_elements(By.CSS_SELECTOR, "tbody tr") if "marketplace" in r.text)
        Select(row.find_element(By.NAME, "capture")).select_by_value("on_shipment")
        Select(row.find_element(By.NAME, "invoicing")).select_by_value("per_order")
        row.find_element(By.NAME, "timeout").send_keys("PT48H")
        click(driver, row.find_element(By.CSS_SELECTOR, "button"))
        check("marketplace saved" in flash(driver), "an admin saves a channel's payment policy")
        policy = api("GET", "/v1/channels/marketplace")["payments"]
        check(policy["capture"] == "on_shipment" and policy["invoicing"] == "per_order" and policy["timeout"] == "PT48H",
              "the policy is the channel's, as the API shows it")
        form = driver.find_element(By.ID, "provider-form")
        form.find_element(By.NAME, "id").send_keys("mollie")
        form.find_element(By.NAME, "secret").send_keys("whsec_" + "b" * 26)
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check("mollie saved" in flash(driver), "an admin adds a payment provider")
        check("mollie" in driver.find_element(By.ID, "payment-providers").text, "the provider is listed")
        check("b" * 26 not in driver.page_source, "its secret is not shown")
        shot(driver, "payments")

        # A workflow written, saved, and simulated against the demo's first order.
        driver.get(BASE + "/workflows")
        form = driver.find_element(By.ID, "new-workflow")
        form.find_element(By.NAME, "id").send_keys("web-flow")
        form.find_element(By.NAME, "stages").send_keys(json.dumps([
            {"name": "payment", "until": {"fact": "order.paymentStatus", "op": "in", "value": ["authorized", "paid"]},
             "timeout": "PT48H", "onTimeout": "cancel"},
            {"name": "fraud review", "when": {"fact": "order.riskScore", "op": "gte", "value": 70}, "approval": {"roles": ["service"]}}]))
        first = api("GET", "/v1/orders?limit=1")["items"][0]["number"]
        form.find_element(By.NAME, "order").send_keys(first)
        click(driver, form.find_element(By.CSS_SELECTOR, "button[formaction='/workflows/simulate']"))
        result = driver.find_element(By.ID, "simulation-new").text
        check(first in result and "would" in result, "an admin simulates stages against an order before saving them")
        form = driver.find_element(By.ID, "new-workflow")
        click(driver, form.find_element(By.CSS_SELECTOR, "button:not([formaction])"))
        check("saved as version 1" in flash(driver), "an admin saves a workflow")
        card = driver.find_element(By.ID, "workflow-web-flow")
        card.find_element(By.NAME, "order").send_keys(first)
        click(driver, card.find_element(By.CSS_SELECTOR, "form[method=get] button"))
        result = driver.find_element(By.ID, "simulation-web-flow").text
        check(first in result and "would" in result, "a simulation says where an order would wait")
        shot(driver, "workflows")

        # An order of a channel with a review stage waits; an admin approves it from the Waiting list.
        api("PUT", "/v1/workflows/review", {"stages": [
            {"name": "fraud review", "when": {"fact": "order.riskScore", "op": "gte", "value": 70}, "approval": {}}]})
        driver.get(BASE + "/workflows")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#channel-workflows tbody tr") if "Web shop" in r.text)
        Select(row.find_element(By.NAME, "workflow")).select_by_value("review")
        click(driver, row.find_element(By.CSS_SELECTOR, "button"))
        check("new orders pass review" in flash(driver), "an admin has the web shop's orders pass the review workflow")
        level = next(l for l in api("GET", "/v1/inventory?locationId=ST-UTRECHT&limit=500")["items"] if l["available"] > 0)
        risky = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-risk-{int(time.time() * 1000)}", "currency": "EUR", "riskScore": 88,
            "customer": {"email": "risky.buyer@example.nl", "name": "Risky Buyer"},
            "lines": [{"sku": level["sku"], "quantity": 1, "unitPrice": 4999, "delivery": {"method": "pickup", "locationId": "ST-UTRECHT"}}]})
        check(risky["workflow"]["stage"] == "fraud review", "a risky order waits for its review")
        driver.get(BASE + "/waiting")
        check(risky["number"] in driver.page_source, "the Waiting list shows it under its stage")
        shot(driver, "waiting")
        click(driver, driver.find_element(By.LINK_TEXT, risky["number"]))
        form = driver.find_element(By.ID, "approval-form")
        form.find_element(By.NAME, "note").send_keys("called the customer")
        click(driver, form.find_element(By.CSS_SELECTOR, "button[value=approve]"))
        check("approved and released" in flash(driver), "approving releases it")
        check(api("GET", "/v1/orders/" + risky["id"])["workflow"]["state"] == "released", "the order left its workflow for fulfillment")
        api("PATCH", "/v1/channels/web", {"workflow": ""})

        # A routing strategy written, compared with today's routing over the latest orders, saved,
        # chosen for the web shop, and used by the next order.
        driver.get(BASE + "/routing")
        form = driver.find_element(By.ID, "new-strategy-form")
        form.find_element(By.NAME, "id").send_keys("stores-first")
        form.find_element(By.NAME, "rules").send_keys(json.dumps([
            {"name": "big orders from the DC", "when": {"fact": "order.total", "op": "gte", "value": 10000},
             "locations": {"fact": "location.type", "op": "eq", "value": "warehouse"}, "onFailure": "next"},
            {"name": "stores only", "locations": {"fact": "location.type", "op": "eq", "value": "store"}, "onFailure": "next"},
            {"name": "anywhere", "scoring": [{"criterion": "distance", "weight": 2}, {"criterion": "priority", "weight": 1}]}]))
        click(driver, form.find_element(By.CSS_SELECTOR, "button[formaction='/routing/compare']"))
        compared = driver.find_element(By.ID, "new-strategy").text
        check("orders replayed on today's stock" in compared and "would be routed differently" in compared,
              "an admin compares new rules with today's routing before saving them")
        shot(driver, "routing")
        form = driver.find_element(By.ID, "new-strategy-form")
        check("stores only" in form.find_element(By.NAME, "rules").get_attribute("value"), "the rules typed are kept")
        click(driver, form.find_element(By.CSS_SELECTOR, "button:not([formaction])"))
        check("saved as version 1" in flash(driver), "an admin saves the strategy")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#channel-strategies tbody tr") if "Web shop" in r.text)
        Select(row.find_element(By.NAME, "strategy")).select_by_value("stores-first")
        click(driver, row.find_element(By.CSS_SELECTOR, "button"))
        check("routed by stores-first" in flash(driver), "an admin routes the web shop by it")
        level = next(l for l in api("GET", "/v1/inventory?locationId=ST-UTRECHT&limit=500")["items"] if l["available"] > 0)
        routed = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-route-{int(time.time() * 1000)}", "currency": "EUR",
            "customer": {"email": "routed.buyer@example.nl", "name": "Routed Buyer"},
            "shippingAddress": {"name": "Routed Buyer", "line1": "Oudegracht 1", "city": "Utrecht", "postalCode": "3511 AA", "country": "NL",
                                "latitude": 52.09, "longitude": 5.12},
            "lines": [{"sku": level["sku"], "quantity": 1, "unitPrice": 2999}]})
        check(routed["routingStrategy"] == "stores-first@1", "the next order is routed by the strategy's version")
        check(all(fo["locationId"].startswith("ST-") for fo in routed["fulfillmentOrders"]), "and ships from a store")
        card = driver.find_element(By.ID, "strategy-stores-first")
        card.find_element(By.NAME, "order").send_keys(routed["number"])
        click(driver, card.find_element(By.CSS_SELECTOR, "form[method=get] button"))
        check("rule 2 'stores only'" in driver.find_element(By.ID, "strategy-stores-first").text, "a simulation names the rule and why")
        shot(driver, "routing-simulation")
        api("PATCH", "/v1/channels/web", {"routing": {"strategy": ""}})

        # A location's tags, which routing rules filter on, set on the Locations page.
        driver.get(BASE + "/locations")
        card = driver.find_element(By.ID, "location-ST-ROTTERDAM")
        tags = card.find_element(By.NAME, "tags")
        tags.clear()
        tags.send_keys("region-south, flagship")
        click(driver, card.find_element(By.CSS_SELECTOR, "button"))
        check("ST-ROTTERDAM saved" in flash(driver), "an admin tags a location")
        check(api("GET", "/v1/locations/ST-ROTTERDAM")["tags"] == ["region-south", "flagship"], "the tags are the location's, as the API shows them")
        shot(driver, "locations")

        # Messages: the admin words the web shop's Dutch confirmation; the next web order's
        # confirmation uses it, in Dutch, and the order page shows it (recorded: the demo has no SMTP server).
        click(driver, driver.find_element(By.CSS_SELECTOR, "header a[href='/messages']"))
        card = driver.find_element(By.ID, "template-order_confirmation-nl")
        subject = card.find_element(By.NAME, "subject")
        subject.clear()
        subject.send_keys("Bedankt voor je bestelling {{orderNumber}}")
        click(driver, card.find_element(By.CSS_SELECTOR, "button"))
        check("order_confirmation/nl saved" in flash(driver), "an admin saves a message template")
        shot(driver, "messages")
        sku = f"MSG-{int(time.time() * 1000)}"
        api("POST", "/v1/products", [{"sku": sku, "name": "Message test mug"}])
        api("PUT", f"/v1/inventory/{sku}/DC-TILBURG", {"onHand": 3})
        placed = api("POST", "/v1/orders", {
            "channel": "web", "externalId": f"browser-message-{sku}", "currency": "EUR",
            "customer": {"email": "lotte.message@example.nl", "name": "Lotte de Vries"},
            "shippingAddress": {"name": "Lotte de Vries", "line1": "Neude 11", "city": "Utrecht", "postalCode": "3512 AE", "country": "NL"},
            "lines": [{"sku": sku, "quantity": 2, "unitPrice": 1295}]})
        recorded = []
        for _ in range(100):
            recorded = [m for m in api("GET", f"/v1/orders/{placed['id']}/messages")["items"] if m["status"] == "recorded"]
            if recorded:
                break
            time.sleep(0.1)
        check(recorded and recorded[0]["subject"] == f"Bedankt voor je bestelling {placed['number']}", "the confirmation is written from the saved template")
        driver.get(BASE + f"/orders/{placed['id']}")
        messages = driver.find_element(By.ID, "messages")
        messages.find_element(By.CSS_SELECTOR, "summary").click()
        check("Totaal: € 25,90" in messages.text and "Recorded, not sent" in messages.text, "the order page shows the message as recorded, in Dutch")
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.XPATH, "//h2[text()='Messages to the customer']"))
        shot(driver, "order-messages")

        # People: the admin adds an associate for the Amsterdam store and issues a reset link,
        # which sets the person's password once.
        click(driver, driver.find_element(By.CSS_SELECTOR, "header a[href='/people']"))
        form = driver.find_element(By.ID, "add-person")
        new_email = f"associate.{int(time.time() * 1000)}@orderly.demo"
        for name, value in [("email", new_email), ("name", "New Associate"), ("stores", "ST-AMSTERDAM"), ("password", "first password 2026")]:
            form.find_element(By.NAME, name).send_keys(value)
        Select(form.find_element(By.NAME, "role")).select_by_value("store")
        click(driver, form.find_element(By.CSS_SELECTOR, "button"))
        check(f"Added {new_email} (store)" in flash(driver), "an admin adds a store associate")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "#people tbody tr") if new_email in r.text)
        click(driver, row.find_element(By.CSS_SELECTOR, "form[action$='/reset'] button"))
        link = re.search(r"/reset/\S+", flash(driver))
        check(link is not None, "a reset link is issued")
        shot(driver, "people")
        click(driver, driver.find_element(By.CSS_SELECTOR, "header form[action='/logout'] button"))
        driver.get(BASE + link.group(0))
        driver.find_element(By.NAME, "new").send_keys("chosen password 2026")
        click(driver, driver.find_element(By.CSS_SELECTOR, "#reset button"))
        check("new password is set" in flash(driver), "the link sets a new password")
        sign_in(driver, new_email, "chosen password 2026")
        check("/stores/ST-AMSTERDAM" in driver.current_url, "the new associate signs in with it and lands on their store")
    except Exception:
        print("failed at", driver.current_url, file=sys.stderr)
        print(driver.find_element(By.TAG_NAME, "body").text[:1500], file=sys.stderr)
        raise
    finally:
        driver.quit()

    if SHOTS:
        tablet = browser(820, 1180)
        try:
            sign_in(tablet, "agent@orderly.demo", PASSWORD)
            tablet.get(BASE + "/orders")
            shot(tablet, "orders-tablet")
        finally:
            tablet.quit()
    print("back office: all checks passed")


if __name__ == "__main__":
    main()
