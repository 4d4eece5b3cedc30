"""Locust scenario of bench_load.py: HR staff on lists and agreement pages with PDF downloads,
employees on their space (mostly phones) with their documents. Demo accounts (README)."""

from __future__ import annotations

import random
import re

from locust import HttpUser, between, task

HR = [("rh@demo.hrtele.test", "Lac-Montbel-Azur-5817"),
      ("rh2@demo.hrtele.test", "Col-Port-Bruyere-3361")]
EMPLOYEES = [("julie.fabre@demo.hrtele.test", "Arize-Volvestre-Noyer-24"),
             ("thomas.rouzaud@demo.hrtele.test", "Salat-Couserans-Hetre-61"),
             ("sophie.cazaux@demo.hrtele.test", "Bastide-Mirepoix-Tilleul-85")]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
AGREEMENT = re.compile(r'href="/accords/(\d+)"')
DOCUMENT = re.compile(r'href="(/documents/\d+)"')


def log_in(user: HttpUser, email: str, password: str) -> None:
    page = user.client.get("/connexion", name="/connexion")
    token = TOKEN.search(page.text).group(1)
    with user.client.post("/connexion", data={"csrf_token": token, "email": email,
                                              "password": password},
                          allow_redirects=False, catch_response=True, name="/connexion POST") as r:
        if r.status_code != 302:
            r.failure(f"log-in refused: {r.status_code}")


class HRUser(HttpUser):
    """HR: lists, agreement pages, to-do, stored PDF downloads."""

    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self):
        log_in(self, *random.choice(HR))
        page = self.client.get("/accords/", name="/accords/")
        self.agreements = AGREEMENT.findall(page.text) or ["1"]
        self.documents: list[str] = []

    @task(4)
    def lists(self):
        path = random.choice(["/accords/", "/salaries/", "/demandes/", "/postes/", "/a-faire/"])
        self.client.get(path, name=path)

    @task(4)
    def agreement(self):
        page = self.client.get(f"/accords/{random.choice(self.agreements)}", name="/accords/[id]")
        self.documents = DOCUMENT.findall(page.text) or self.documents

    @task(2)
    def download(self):
        if self.documents:
            self.client.get(random.choice(self.documents), name="/documents/[id] (PDF)")


class Employee(HttpUser):
    """An employee on a phone: their space, their documents, a PDF."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, *random.choice(EMPLOYEES))
        self.documents: list[str] = []

    @task(3)
    def space(self):
        self.client.get("/mon-espace/", name="/mon-espace/")

    @task(2)
    def documents_page(self):
        page = self.client.get("/mon-espace/documents", name="/mon-espace/documents")
        self.documents = DOCUMENT.findall(page.text) or self.documents

    @task(1)
    def download(self):
        if self.documents:
            self.client.get(random.choice(self.documents), name="/documents/[id] (PDF)")
