"""Deterministic, realistic seed data drawn from ``random.Random(seed)``."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import MappingProxyType

from carbontui.sandbox.ids import cnpj, cnpj_from_int, uuid4_batch, uuid4_from
from carbontui.sandbox.records import (
    Application,
    Customer,
    Installation,
    Organization,
    Permission,
)

REGISTRY_APP_ID = "67890"
REGISTRY_APP_NAME_ID = "carbontui-sandbox"
ADMIN_CLIENT_IDS = ("cbx_b2b_sandbox_hml", "cbx_b2b_sandbox_prod")

# Ids that appear in the docs are pinned so their example requests replay as written.
# The docs never name 45bbe1bc/65c514f4 (used in the POST examples); the sandbox chose the
# financial pair for them. 781d50ae, 5db0f399 and d1b9f6cb are named by the en/pt docs.
_CATALOG: tuple[tuple[str | None, str, str | None, bool], ...] = (
    ("781d50ae-ab86-4988-8d39-48dca58da6a6", "default-roles-co2free", None, True),
    (None, "customer_applications_read", "Consultar chaves de API", False),
    (None, "customer_applications_write", "Criar e gerenciar chaves de API", False),
    ("5db0f399-28ab-4980-b320-9c321eea3bb1", "orders_read", None, False),
    ("d1b9f6cb-a392-41d2-8bb5-8b07cebf137c", "orders_write", None, False),
    ("45bbe1bc-4d5a-4991-baac-42fa95d35824", "financial_read", "Consultar faturas e saldo", False),
    ("65c514f4-424f-4c82-9827-482d564091c0", "financial_write", "Emitir pagamentos", False),
    (None, "certificates_read", "Baixar certificados de compensação", False),
    (None, "users_read", "Consultar usuários", False),
    (None, "users_write", "Convidar e gerenciar usuários", False),
)

# The pt doc's fetch example, seeded as the third key so `curl .../applications/a85f6c65-…`
# works as written. (The pt list example shows its clientId unprefixed, "app-test"; the
# fetch example has "cbx_b2b_app_test", which the sandbox uses.)
DOC_EXAMPLE_APP = (
    "a85f6c65-7f65-4c61-a188-8fab18fe844f",
    "cbx_b2b_app_test",
    "Test App",
    ("orders_read", "orders_write"),
)


def permission_catalog(rng: random.Random) -> tuple[Permission, ...]:
    """The realm's permission catalog."""
    out = []
    for pinned, name, description, composite in _CATALOG:
        pid = uuid4_from(rng)  # always drawn, so pinning doesn't shift later draws
        out.append(Permission(pinned or pid, name, description, composite))
    return tuple(out)


_LEGAL_STEMS = (
    "Verde Horizonte",
    "Floresta Viva",
    "Amazônia Sustentável",
    "Cerrado Vivo",
    "Mata Atlântica",
    "Carbono Zero",
    "Raízes do Brasil",
    "Pantanal",
    "Ecoativa",
    "Bioma Nativo",
)
_LEGAL_ACTIVITIES = (
    "Comércio de Créditos de Carbono",
    "Soluções Ambientais",
    "Energia Renovável",
    "Logística Verde",
    "Agropecuária",
    "Tecnologia Climática",
)
_LEGAL_SUFFIXES = ("Ltda.", "S.A.", "Eireli", "Ltda. ME")


def customer(rng: random.Random) -> Customer:
    """The one customer that owns every seeded key."""
    name = (
        f"{rng.choice(_LEGAL_STEMS)} {rng.choice(_LEGAL_ACTIVITIES)} {rng.choice(_LEGAL_SUFFIXES)}"
    )
    return Customer(uuid4_from(rng), name, cnpj(rng))


_KEY_PURPOSES = (
    "Integração ERP",
    "Checkout marketplace",
    "Relatórios Power BI",
    "Conciliação financeira",
    "Portal de compensação",
    "Emissão de certificados",
    "App mobile",
    "Data lake",
    "Webhook de pedidos",
    "Sincronização CRM",
    "Calculadora de pegada",
    "Backoffice",
)
_KEY_QUALIFIERS = ("produção", "homologação", "staging", "time de dados", "parceiro", "legado")
_KEY_PROFILES = (
    ("orders_read",),
    ("orders_read", "orders_write"),
    ("financial_read",),
    ("orders_read", "financial_read", "certificates_read"),
    ("certificates_read",),
    ("customer_applications_read",),
    ("users_read", "users_write"),
    ("default-roles-co2free", "orders_read"),
    (),
)


def applications(
    rng: random.Random, count: int, catalog: tuple[Permission, ...], now: float
) -> list[Application]:
    """``count`` keys: the two admin keys first, then the pt doc's example, then random ones."""
    by_name = {p.name: p.id for p in catalog}
    all_ids = tuple(p.id for p in catalog)
    profiles = tuple(tuple(by_name[n] for n in names) for names in _KEY_PROFILES)
    year = 365 * 86400
    out = []
    for client_id, label in zip(ADMIN_CLIENT_IDS, ("hml", "prod"), strict=True):
        created = now - year + rng.randrange(3600)
        out.append(
            Application(
                uuid4_from(rng),
                client_id,
                uuid4_from(rng),
                f"Sandbox admin ({label})",
                all_ids,
                float(int(created)),
            )
        )
    if count > 2:
        app_id, client_id, display, names = DOC_EXAMPLE_APP
        ids = tuple(by_name[n] for n in names)
        out.append(
            Application(
                app_id, client_id, uuid4_from(rng), display, ids, float(int(now - year / 2))
            )
        )
    n = count - len(out)
    fresh = uuid4_batch(rng, 3 * n)
    labels = [f"{p} ({q})" for p in _KEY_PURPOSES for q in _KEY_QUALIFIERS]
    n_names, n_profiles = len(labels), len(profiles)
    getrandbits = rng.getrandbits
    for i in range(n):
        v = getrandbits(64)
        v, k = divmod(v, n_names)
        v, p = divmod(v, n_profiles)
        j = 3 * i
        out.append(
            Application(
                fresh[j],
                "cbx_b2b_" + fresh[j + 1],
                fresh[j + 2],
                labels[k],
                profiles[p],
                float(int(now - v % year)),
            )
        )
    return out


def _d(v: int, n: int) -> str:
    """``n`` decimal digits taken from the random integer ``v``."""
    return f"{v % 10**n:0{n}d}"


def _pick(options: tuple[str, ...], v: int) -> str:
    return options[v % len(options)]


# Per country: code, cities, then makers for zip, street and registration number that turn one
# random integer into a string (one getrandbits() per field keeps 100k rows fast), tld and
# legal-form suffixes.
_Maker = Callable[[int], str]
_COUNTRIES: tuple[
    tuple[str, tuple[str, ...], _Maker, _Maker, _Maker, str, tuple[str, ...]], ...
] = (
    (
        "BR",
        ("São Paulo", "Manaus", "Belém", "Curitiba", "Cuiabá", "Porto Alegre"),
        lambda v: f"{_d(v, 5)}-{_d(v >> 20, 3)}",
        lambda v: (
            f"Rua {_pick(('das Palmeiras', 'XV de Novembro', 'Amazonas', 'Ipê'), v)}, "
            f"{10 + (v >> 8) % 2990}"
        ),
        cnpj_from_int,
        "com.br",
        ("Ltda.", "S.A."),
    ),
    (
        "US",
        ("New York", "Portland", "Denver", "Austin", "San Francisco"),
        lambda v: _d(v, 5),
        lambda v: f"{1 + (v >> 8) % 9998} {_pick(('Main', 'Oak', 'Pine', 'Market'), v)} St",
        lambda v: f"{_d(v, 2)}-{_d(v >> 10, 7)}",
        "com",
        ("Inc.", "LLC"),
    ),
    (
        "GB",
        ("London", "Edinburgh", "Bristol", "Manchester"),
        lambda v: (
            f"{_pick(('EC1A', 'EH1', 'BS1', 'M1'), v)} {1 + (v >> 4) % 9}"
            f"{'ABDEFGHJLN'[(v >> 8) % 10]}{'PQRSTUWXYZ'[(v >> 12) % 10]}"
        ),
        lambda v: f"{1 + (v >> 8) % 299} {_pick(('High', 'Station', 'Church'), v)} Road",
        lambda v: _d(v, 8),
        "co.uk",
        ("Ltd", "PLC"),
    ),
    (
        "DE",
        ("Berlin", "Hamburg", "München", "Freiburg"),
        lambda v: _d(v, 5),
        lambda v: f"{_pick(('Linden', 'Wald', 'Berg', 'Garten'), v)}straße {1 + (v >> 8) % 199}",
        lambda v: f"HRB {_d(v, 6)}",
        "de",
        ("GmbH", "AG"),
    ),
    (
        "CO",
        ("Bogotá", "Medellín", "Cali", "Leticia"),
        lambda v: _d(v, 6),
        lambda v: f"Calle {1 + v % 149} # {1 + (v >> 8) % 98}-{1 + (v >> 16) % 98}",
        lambda v: f"900.{_d(v, 3)}.{_d(v >> 10, 3)}-{(v >> 20) % 10}",
        "com.co",
        ("S.A.S.",),
    ),
    (
        "PE",
        ("Lima", "Cusco", "Iquitos", "Arequipa"),
        lambda v: f"150{_d(v, 2)}",
        lambda v: (
            f"Av. {_pick(('Arequipa', 'La Marina', 'Javier Prado'), v)} {100 + (v >> 8) % 3900}"
        ),
        lambda v: f"20{_d(v, 9)}",
        "pe",
        ("S.A.C.",),
    ),
    (
        "KE",
        ("Nairobi", "Mombasa", "Kisumu"),
        lambda v: _d(v, 5),
        lambda v: f"{_pick(('Ngong', 'Moi', 'Kenyatta'), v)} Road, No. {1 + (v >> 8) % 499}",
        lambda v: f"PVT-{'ABCDEFGHJK'[v % 10]}{'LMNPQRSTUV'[(v >> 4) % 10]}{_d(v >> 8, 5)}",
        "co.ke",
        ("Ltd",),
    ),
    (
        "ID",
        ("Jakarta", "Pontianak", "Palangkaraya"),
        lambda v: _d(v, 5),
        lambda v: (
            f"Jl. {_pick(('Sudirman', 'Thamrin', 'Gatot Subroto'), v)} No. {1 + (v >> 8) % 199}"
        ),
        lambda v: _d(v, 13),
        "co.id",
        ("PT",),
    ),
    (
        "IN",
        ("Bengaluru", "Mumbai", "Pune", "Chennai"),
        lambda v: _d(v, 6),
        lambda v: f"{1 + (v >> 8) % 98}, {_pick(('MG Road', 'Residency Road', 'Linking Rd'), v)}",
        lambda v: f"U74999MH{2005 + v % 19}PTC{_d(v >> 8, 6)}",
        "in",
        ("Pvt Ltd",),
    ),
    (
        "AU",
        ("Sydney", "Melbourne", "Brisbane", "Perth"),
        lambda v: _d(v, 4),
        lambda v: f"{1 + (v >> 8) % 499} {_pick(('George', 'Collins', 'Queen'), v)} Street",
        lambda v: f"{_d(v, 2)} {_d(v >> 8, 3)} {_d(v >> 18, 3)} {_d(v >> 28, 3)}",
        "com.au",
        ("Pty Ltd",),
    ),
)
_ORG_STEMS = (
    "Amazonia",
    "Cerrado",
    "Mangrove",
    "Blue Carbon",
    "Terra",
    "Andes",
    "Borneo",
    "Kijani",
    "Nordic",
    "Highland",
    "Savanna",
    "Pacific",
    "Evergreen",
    "Riverbend",
    "Canopy",
    "Peatland",
)
_ORG_DOMAINS = (
    "Carbon",
    "Forest",
    "Climate",
    "Reforestation",
    "Conservation",
    "Offsets",
    "Restoration",
    "Agroforestry",
    "Biochar",
    "Methane Capture",
)
_ORG_KINDS = ("Partners", "Ventures", "Trust", "Cooperative", "Holdings", "Group", "Labs")
_INDUSTRIES = (
    ("A02", "Forestry and logging"),
    ("A01", "Crop and animal production"),
    ("D35", "Electricity, gas, steam and air conditioning supply"),
    ("E38", "Waste collection, treatment and disposal"),
    ("K66", "Activities auxiliary to financial services"),
    ("M71", "Architectural and engineering activities; technical testing"),
    ("C20", "Manufacture of chemicals and chemical products"),
)
_ORG_TYPES = ("projectProponent", "buyer", "broker", "verifier", "projectProponent", "buyer")
_LEVELS = ("VIEW", "REQUEST", "WRITE")
REGISTRY_APP_PERMISSIONS = MappingProxyType(
    {
        "organization_info": "VIEW",
        "organization_members": "VIEW",
        "organization_projects": "VIEW",
        "organization_inventory": "REQUEST",
        "organization_warehouse": "WRITE",
    }
)
# Shared, read-only permission maps (one per profile), so 100k installations stay cheap.
_INSTALL_PERMISSIONS = (
    REGISTRY_APP_PERMISSIONS,
    MappingProxyType({"organization_info": "VIEW", "organization_projects": "VIEW"}),
    MappingProxyType(
        {
            "organization_info": "VIEW",
            "organization_inventory": "WRITE",
            "organization_warehouse": "WRITE",
        }
    ),
    MappingProxyType({"organization_info": "WRITE", "organization_members": "REQUEST"}),
    # No organization_info: its tokens cannot read the organization (403).
    MappingProxyType({"organization_projects": "VIEW", "organization_inventory": "VIEW"}),
)


def _slug(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


class _Digits:
    """Mixed-radix draws from one big random integer: far cheaper than many randrange()s."""

    __slots__ = ("v",)

    def __init__(self, v: int) -> None:
        self.v = v

    def below(self, n: int) -> int:
        self.v, r = divmod(self.v, n)
        return r


class InstallationTable:
    """An app's installations, materialised lazily.

    Only ids and one random integer per row are stored; each ``Installation`` is rebuilt from
    them on access, so seeding 100 000 rows stays well under a second and a page is a slice.
    """

    def __init__(self, rng: random.Random, count: int, now: float, app_id: str, name_id: str):
        ids = uuid4_batch(rng, 2 * count)
        self._ids = ids[1::2]
        self._org_ids = ids[0::2]
        getrandbits = rng.getrandbits
        self._bits = [getrandbits(192) for _ in range(count)]
        self._index = {iid: i for i, iid in enumerate(self._ids)}
        self._org_index = {oid: i for i, oid in enumerate(self._org_ids)}
        self._now, self._app_id, self._name_id = now, app_id, name_id

    def __len__(self) -> int:
        return len(self._ids)

    def page(self, start: int, stop: int) -> list[Installation]:
        """Rows ``start:stop`` in installation order."""
        return [self._build(i) for i in range(start, min(stop, len(self._ids)))]

    def get(self, installation_id: str) -> Installation | None:
        i = self._index.get(installation_id)
        return None if i is None else self._build(i)

    def get_by_organization(self, organization_id: str) -> Installation | None:
        i = self._org_index.get(organization_id)
        return None if i is None else self._build(i)

    def _build(self, i: int) -> Installation:
        g = _Digits(self._bits[i])
        code, cities, zip_of, street_of, regno_of, tld, suffixes = _COUNTRIES[
            g.below(len(_COUNTRIES))
        ]
        stem = _ORG_STEMS[g.below(len(_ORG_STEMS))]
        domain = _ORG_DOMAINS[g.below(len(_ORG_DOMAINS))]
        kind = _ORG_KINDS[g.below(len(_ORG_KINDS))]
        name = f"{stem} {domain} {kind} {suffixes[g.below(len(suffixes))]}"
        slug = _slug(stem + domain)
        created = float(int(self._now - 30 * 86400 - g.below(2 * 365 * 86400)))
        org = Organization(
            id=self._org_ids[i],
            full_name=name,
            country_code=code,
            city=cities[g.below(len(cities))],
            zip=zip_of(g.below(1 << 40)),
            physical_address=street_of(g.below(1 << 30)),
            registration_number=regno_of(g.below(1 << 50)),
            website=f"https://www.{slug}.{tld}",
            logo=None if g.below(5) == 0 else f"https://cdn.{slug}.{tld}/logo.png",
            industry=_INDUSTRIES[g.below(len(_INDUSTRIES))],
            type=_ORG_TYPES[g.below(len(_ORG_TYPES))],
            is_public=g.below(4) != 0,
            created_at=created,
            updated_at=created + g.below(20 * 86400),
        )
        # The first rows cycle through every profile (row 0: the full map), so even a small
        # seed shows each kind, including one without organization_info.
        p = g.below(len(_INSTALL_PERMISSIONS))
        perms = _INSTALL_PERMISSIONS[i if i < len(_INSTALL_PERMISSIONS) else p]
        installed = created + 86400 + g.below(10 * 86400)
        return Installation(
            self._ids[i],
            org,
            perms,
            self._app_id,
            self._name_id,
            installed,
            installed + g.below(86400),
        )
