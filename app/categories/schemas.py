"""Request and response shapes of the category endpoints (000_…, "Admin JSON APIs": "Category
CRUD"). Pages and most clients send multipart forms (the picture is a file); JSON is accepted
for changes without a picture."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CategoryJsonIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(examples=["Physics"], description="At most 120 characters, unique")


class CategoryEditJsonIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(None, examples=["Physics"])
    remove_image: bool = Field(False, description="Remove the current picture")


class CategoryForm(BaseModel):
    name: str = Field(examples=["Physics"])
    image: bytes | None = Field(
        None, description="PNG, JPEG, GIF or WebP, at most 5 MB; checked by content, not by name"
    )


class CategoryEditForm(BaseModel):
    name: str | None = None
    image: bytes | None = Field(
        None, description="A new picture replaces (and deletes) the old one"
    )
    remove_image: str | None = Field(None, description="1 / on: remove the current picture")


class CategoryOut(BaseModel):
    id: int
    name: str
    image_url: str = Field(description='"/uploads/categories/….png", or "" without a picture')
    exam_count: int
    created_at: str
    updated_at: str


class CategoriesOut(BaseModel):
    success: bool = True
    categories: list[CategoryOut]


class CategoryChangeOut(BaseModel):
    success: bool = True
    message: str
    category: CategoryOut


class CategoryDeleteOut(BaseModel):
    success: bool = True
    message: str
