//! The gateway's world: its resources, a dozen APIs (three Azure OpenAI
//! front ends) with their operations, the model deployments behind them, and
//! the clients that call them.

pub const TENANT: &str = "6f1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d";
pub const SUBSCRIPTION: &str = "0D3C6A52-7F4B-4C1E-9A2D-5B8E1F3C7A90";
pub const APIM_RG: &str = "RG-APIM-PROD";
pub const APIM: &str = "CONTOSO-APIM";
pub const AI_RG: &str = "RG-AI-PROD";
pub const WORKSPACE: &str = "contoso-logs";
pub const GATEWAY: &str = "https://contoso-apim.azure-api.net";
pub const AOAI_VERSION: &str = "2024-10-21";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chat,
    Embeddings,
    Completions,
    Rest,
}

pub struct Op {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub weight: u32,
    pub kind: Kind,
}

pub struct Api {
    pub id: &'static str,
    pub path: &'static str,
    pub backend_id: Option<&'static str>,
    pub backend: &'static str,
    pub weight: u32,
    pub ops: &'static [Op],
    /// The Azure OpenAI account behind an OpenAI API.
    pub account: Option<&'static Account>,
    /// Whether the API logs LLM messages (a per-API setting).
    pub log_messages: bool,
}

pub struct Account {
    pub name: &'static str,
    pub location: &'static str,
}

pub static EASTUS: Account = Account {
    name: "CONTOSO-AOAI-EASTUS",
    location: "eastus",
};
pub static SWEDEN: Account = Account {
    name: "CONTOSO-AOAI-SWC",
    location: "swedencentral",
};

const fn op(
    id: &'static str,
    method: &'static str,
    path: &'static str,
    weight: u32,
    kind: Kind,
) -> Op {
    Op {
        id,
        method,
        path,
        weight,
        kind,
    }
}

const fn rest(
    id: &'static str,
    path: &'static str,
    backend_id: Option<&'static str>,
    backend: &'static str,
    weight: u32,
    ops: &'static [Op],
) -> Api {
    Api {
        id,
        path,
        backend_id,
        backend,
        weight,
        ops,
        account: None,
        log_messages: false,
    }
}

use Kind::*;

pub const CITIES: [&str; 5] = ["Paris", "Oslo", "Lima", "Osaka", "Austin"];

pub static APIS: [Api; 12] = [
    Api {
        id: "azure-openai-service-api",
        path: "/openai",
        backend_id: Some("aoai-eastus"),
        backend: "https://contoso-aoai-eastus.openai.azure.com/openai",
        weight: 30,
        ops: &[
            op(
                "ChatCompletions_Create",
                "POST",
                "/deployments/{d}/chat/completions",
                6,
                Chat,
            ),
            op(
                "embeddings_create",
                "POST",
                "/deployments/{d}/embeddings",
                3,
                Embeddings,
            ),
            op(
                "Completions_Create",
                "POST",
                "/deployments/{d}/completions",
                1,
                Completions,
            ),
        ],
        account: Some(&EASTUS),
        log_messages: false,
    },
    Api {
        id: "aoai-eu-api",
        path: "/openai-eu",
        backend_id: Some("aoai-swedencentral"),
        backend: "https://contoso-aoai-swc.openai.azure.com/openai",
        weight: 14,
        ops: &[
            op(
                "ChatCompletions_Create",
                "POST",
                "/deployments/{d}/chat/completions",
                5,
                Chat,
            ),
            op(
                "embeddings_create",
                "POST",
                "/deployments/{d}/embeddings",
                2,
                Embeddings,
            ),
        ],
        account: Some(&SWEDEN),
        log_messages: false,
    },
    Api {
        id: "azure-openai-dev-api",
        path: "/openai-dev",
        backend_id: Some("aoai-eastus"),
        backend: "https://contoso-aoai-eastus.openai.azure.com/openai",
        weight: 5,
        ops: &[
            op(
                "ChatCompletions_Create",
                "POST",
                "/deployments/{d}/chat/completions",
                3,
                Chat,
            ),
            op(
                "Completions_Create",
                "POST",
                "/deployments/{d}/completions",
                1,
                Completions,
            ),
        ],
        account: Some(&EASTUS),
        log_messages: true,
    },
    rest(
        "echo-api",
        "/echo",
        None,
        "http://echoapi.cloudapp.net/api",
        5,
        &[
            op("retrieve-resource", "GET", "/resource", 3, Rest),
            op("create-resource", "POST", "/resource", 1, Rest),
        ],
    ),
    rest(
        "conference-api",
        "/conference",
        None,
        "https://conferenceapi.azurewebsites.net",
        8,
        &[
            op("GetSpeakers", "GET", "/speakers", 3, Rest),
            op("GetSessions", "GET", "/sessions", 3, Rest),
            op("GetSession", "GET", "/session/{n}", 2, Rest),
        ],
    ),
    rest(
        "petstore",
        "/petstore",
        Some("petstore-backend"),
        "https://petstore3.swagger.io/api/v3",
        7,
        &[
            op(
                "findPetsByStatus",
                "GET",
                "/pet/findByStatus?status=available",
                3,
                Rest,
            ),
            op("getPetById", "GET", "/pet/{n}", 3, Rest),
            op("addPet", "POST", "/pet", 1, Rest),
        ],
    ),
    rest(
        "orders-api",
        "/orders",
        Some("orders-backend"),
        "https://orders-svc.contoso.internal",
        8,
        &[
            op("list-orders", "GET", "/orders", 2, Rest),
            op("get-order", "GET", "/orders/{n}", 3, Rest),
            op("create-order", "POST", "/orders", 2, Rest),
        ],
    ),
    rest(
        "weather-api",
        "/weather",
        Some("weather-backend"),
        "https://weather-svc.contoso.internal",
        6,
        &[op("get-forecast", "GET", "/forecast?city={c}", 1, Rest)],
    ),
    rest(
        "users-api",
        "/users",
        Some("users-backend"),
        "https://users-svc.contoso.internal",
        5,
        &[
            op("get-user", "GET", "/users/{n}", 4, Rest),
            op("update-user", "PATCH", "/users/{n}", 1, Rest),
        ],
    ),
    rest(
        "payments-api",
        "/payments",
        Some("payments-backend"),
        "https://payments-svc.contoso.internal",
        4,
        &[
            op("create-payment", "POST", "/payments", 2, Rest),
            op("get-payment", "GET", "/payments/{n}", 3, Rest),
        ],
    ),
    rest(
        "inventory-api",
        "/inventory",
        Some("inventory-backend"),
        "https://inventory-svc.contoso.internal",
        4,
        &[
            op("list-items", "GET", "/items", 3, Rest),
            op("reserve-item", "POST", "/items/{n}/reserve", 1, Rest),
        ],
    ),
    rest(
        "search-api",
        "/search",
        Some("search-backend"),
        "https://search-svc.contoso.internal",
        6,
        &[op("search", "GET", "/search?q={c}", 1, Rest)],
    ),
];

pub struct Deployment {
    pub name: &'static str,
    pub model: &'static str,
    pub version: &'static str,
}

pub const CHAT: [Deployment; 2] = [
    Deployment {
        name: "gpt-4o",
        model: "gpt-4o",
        version: "2024-08-06",
    },
    Deployment {
        name: "gpt-4o-mini",
        model: "gpt-4o-mini",
        version: "2024-07-18",
    },
];
pub const EMBED: [Deployment; 2] = [
    Deployment {
        name: "text-embedding-3-large",
        model: "text-embedding-3-large",
        version: "1",
    },
    Deployment {
        name: "text-embedding-3-small",
        model: "text-embedding-3-small",
        version: "1",
    },
];
pub const COMPLETE: [Deployment; 1] = [Deployment {
    name: "gpt-35-turbo-instruct",
    model: "gpt-35-turbo-instruct",
    version: "0914",
}];

pub struct Client {
    pub ip: &'static str,
    pub product: &'static str,
    pub user: &'static str,
    pub subscription: &'static str,
    pub agent: &'static str,
    pub ai: bool,
}

const fn client(
    ip: &'static str,
    product: &'static str,
    user: &'static str,
    subscription: &'static str,
    agent: &'static str,
    ai: bool,
) -> Client {
    Client {
        ip,
        product,
        user,
        subscription,
        agent,
        ai,
    }
}

pub static CLIENTS: [Client; 10] = [
    client(
        "203.0.113.21",
        "ai-standard",
        "team-a",
        "team-a-sub",
        "OpenAI/JS 4.73.1",
        true,
    ),
    client(
        "203.0.113.57",
        "ai-premium",
        "team-b",
        "team-b-sub",
        "OpenAI/Python 1.54.4",
        true,
    ),
    client(
        "198.51.100.14",
        "ai-standard",
        "chatbot",
        "chatbot-prod",
        "AzureOpenAI/Python 1.54.4",
        true,
    ),
    client(
        "198.51.100.90",
        "ai-premium",
        "rag-indexer",
        "rag-indexer-sub",
        "langchain-python/0.3.7",
        true,
    ),
    client("192.0.2.33", "starter", "1", "master", "curl/8.5.0", false),
    client(
        "192.0.2.140",
        "unlimited",
        "mobile-app",
        "mobile-app-sub",
        "okhttp/4.12.0",
        false,
    ),
    client(
        "203.0.113.200",
        "unlimited",
        "web-frontend",
        "web-frontend-sub",
        "Mozilla/5.0",
        false,
    ),
    client(
        "198.51.100.201",
        "starter",
        "partner-x",
        "partner-x-sub",
        "python-requests/2.32.3",
        false,
    ),
    client(
        "192.0.2.77",
        "unlimited",
        "batch-jobs",
        "batch-jobs-sub",
        "Go-http-client/2.0",
        false,
    ),
    client(
        "203.0.113.9",
        "ai-standard",
        "team-c",
        "team-c-sub",
        "OpenAI/JS 4.73.1",
        true,
    ),
];

pub const REGIONS: [&str; 2] = ["East US", "West Europe"];
