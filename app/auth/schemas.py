"""Request and response shapes of the sign-in endpoints (documentation and validation)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class SaeLoginIn(BaseModel):
    username: str | None = Field(None, description="Username or e-mail", examples=["john.doe"])
    email: str | None = Field(None, description="Accepted in place of username")
    password: str = Field(min_length=1, examples=["MyPass@2025"])

    @model_validator(mode="after")
    def one_identifier(self) -> SaeLoginIn:
        if not (self.username or self.email):
            raise ValueError("username or email is required")
        return self

    @property
    def identifier(self) -> str:
        return (self.username or self.email or "").strip()


class SaeUser(BaseModel):
    id: int
    username: str
    full_name: str | None = None
    role: str


class SaeLoginData(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    available_portals: list[str]
    user: SaeUser


class SaeLoginOut(BaseModel):
    status: str = "success"
    data: SaeLoginData


class SaeRefreshIn(BaseModel):
    refresh_token: str = Field(min_length=1)


class SaeRefreshData(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int


class SaeRefreshOut(BaseModel):
    status: str = "success"
    data: SaeRefreshData


class SaeMessageOut(BaseModel):
    status: str = "success"
    message: str


class SaeMeData(BaseModel):
    id: int
    username: str
    email: str
    full_name: str
    role: str
    available_portals: list[str]
    created_at: str


class SaeMeOut(BaseModel):
    status: str = "success"
    data: SaeMeData


class EmailIn(BaseModel):
    email: str = Field(min_length=1, max_length=254, examples=["john@example.com"])


class SuccessMessageOut(BaseModel):
    success: bool = True
    message: str


class DeleteAccountIn(BaseModel):
    confirm: str = Field(description='Must be exactly "DELETE"', examples=["DELETE"])


class SuccessOut(BaseModel):
    success: bool = True
